//! Test support shared by the integration tests.

pub mod bot;
pub mod fake_discord;
