//! Gateway transport (serenity). Placeholder until the gateway issue lands.

use std::sync::Arc;

use crate::Engine;

/// Why the bot stopped.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Not built yet.
    #[error("the gateway bot is not built yet")]
    NotBuilt,
}

/// Runs the bot until SIGINT/SIGTERM.
pub async fn run(engine: Arc<Engine>) -> Result<(), GatewayError> {
    let _ = engine;
    Err(GatewayError::NotBuilt)
}
