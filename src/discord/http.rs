//! HTTP interactions transport (axum). Placeholder until the HTTP issue lands.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::Engine;

/// Why the server stopped.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// Not built yet.
    #[error("the HTTP endpoint is not built yet")]
    NotBuilt,
}

/// Serves Discord's HTTP interactions on `addr` until SIGTERM.
pub async fn serve(engine: Arc<Engine>, addr: SocketAddr) -> Result<(), HttpError> {
    let _ = (engine, addr);
    Err(HttpError::NotBuilt)
}
