//! The accept loop of the interactions endpoint: HTTP/1.1 over hyper, with
//! the limits a public endpoint needs and `axum::serve` does not offer.
//!
//! - **Connection cap** (`http.max_connections`): a semaphore slot per open
//!   connection. When all are taken the loop stops accepting, so new
//!   connections wait in the kernel's backlog (first come, first served)
//!   instead of exhausting file handles, and a warning is logged.
//! - **Header-read timeout** (`http.header_read_timeout_seconds`): a
//!   request's headers must arrive within it, counted from the connection's
//!   opening or from the first byte of a later request. A slow-header client
//!   ("slowloris") is disconnected instead of holding a slot.
//! - **Idle timeout** (`http.idle_timeout_seconds`): a keep-alive
//!   connection with no request in flight is closed after it; the same
//!   deadline bounds a client that will not read its response.
//!
//! The body has its own deadline in the handler (`Options::body_timeout`), so
//! while a request is being answered no connection-level timer runs.
//! hyper's own `header_read_timeout` is not used: it also runs while a
//! keep-alive connection is idle, which would tie the idle timeout to the
//! header timeout.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

use super::HttpError;

/// How often, at most, the "connection limit reached" warning is repeated
/// while the cap keeps being hit.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// Connection-level limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Connections served at once.
    pub max_connections: usize,
    /// Time to receive a request's headers.
    pub header_read_timeout: Duration,
    /// Time a connection may wait for its next request.
    pub idle_timeout: Duration,
    /// Time shutdown waits for open connections.
    pub drain_timeout: Duration,
}

/// Serves `router` on `listener` within `limits` until `shutdown` completes,
/// then lets open connections finish (for at most `drain_timeout`).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), HttpError> {
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(max));
    let (closing, closing_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut at_cap = CapWarning::default();
    loop {
        let permit = match slots.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                at_cap.warn(max);
                tokio::select! {
                    () = &mut shutdown => break,
                    p = slots.clone().acquire_owned() => match p {
                        Ok(p) => p,
                        Err(_) => break,
                    },
                }
            }
        };
        let (stream, _peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
        };
        // Small request/response pairs: Nagle's algorithm would only add delay.
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(
            stream,
            router.clone(),
            limits,
            permit,
            closing_rx.clone(),
        ));
    }
    tracing::info!("shutting down: finishing open requests");
    drop(listener);
    let _ = closing.send(true);
    // Every connection holds a slot until it ends: all slots back means all
    // connections closed.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.drain_timeout, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(after = ?limits.drain_timeout, "connections still open at shutdown; closing them");
    }
    Ok(())
}

/// The "connection limit reached" warning, at most every [`WARN_EVERY`].
#[derive(Default)]
struct CapWarning {
    last: Option<Instant>,
}

impl CapWarning {
    fn warn(&mut self, max: usize) {
        if self.last.is_some_and(|t| t.elapsed() < WARN_EVERY) {
            return;
        }
        self.last = Some(Instant::now());
        tracing::warn!(
            max_connections = max,
            "connection limit reached: new connections wait until one closes (http.max_connections)"
        );
    }
}

/// An accept error: one client's failed handshake is its problem; running out
/// of file handles is ours, and retrying at once would spin.
async fn accept_failed(e: &io::Error) {
    use io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted
    ) {
        return;
    }
    tracing::warn!(error = %e, "cannot accept a connection; retrying shortly");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Serves one connection, holding its slot until it closes.
async fn connection(
    stream: TcpStream,
    router: Router,
    limits: Limits,
    _slot: OwnedSemaphorePermit,
    mut closing: watch::Receiver<bool>,
) {
    let activity = Arc::new(Activity::new(limits));
    let io = TokioIo::new(Guarded::new(stream, activity.clone()));
    let service = Tracked {
        inner: TowerToHyperService::new(router),
        activity,
    };
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service);
    let mut conn = std::pin::pin!(conn);
    let result = tokio::select! {
        r = conn.as_mut() => r,
        _ = async { closing.wait_for(|c| *c).await.map(|_| ()) } => {
            // Finish the request in flight, then close; an idle connection
            // closes at once.
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        // Timeouts, resets and malformed requests: the client's doing.
        tracing::debug!(error = %e, "connection closed with an error");
    }
}

/// The hyper service: axum's router, with the connection told when a request
/// starts and ends (the timers only run between requests).
#[derive(Clone)]
struct Tracked {
    inner: TowerToHyperService<Router>,
    activity: Arc<Activity>,
}

impl hyper::service::Service<hyper::Request<Incoming>> for Tracked {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn call(&self, request: hyper::Request<Incoming>) -> Self::Future {
        let busy = Busy::start(self.activity.clone());
        let answer = hyper::service::Service::call(&self.inner, request);
        Box::pin(async move {
            let response = answer.await;
            drop(busy);
            response
        })
    }
}

/// What a connection is doing, for its deadline.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for a request to start: since the connection opened (`first`)
    /// or since the last response.
    Waiting { since: Instant, first: bool },
    /// Part of a request's head has arrived.
    Head { since: Instant },
    /// A request is being answered.
    Busy,
}

/// Shared between a connection's I/O and its service.
#[derive(Debug)]
struct Activity {
    limits: Limits,
    state: Mutex<(Phase, usize)>,
}

impl Activity {
    fn new(limits: Limits) -> Activity {
        Activity {
            limits,
            state: Mutex::new((
                Phase::Waiting {
                    since: Instant::now(),
                    first: true,
                },
                0,
            )),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Phase, usize)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes arrived: a request is starting (or its body is coming in).
    fn received(&self) {
        let mut state = self.lock();
        if let Phase::Waiting { since, first } = state.0 {
            // A new connection's first request has the header timeout from
            // the moment it opened; a later one from its first byte.
            let since = if first { since } else { Instant::now() };
            state.0 = Phase::Head { since };
        }
    }

    /// When the connection must have made progress by, if a timer runs.
    fn deadline(&self) -> Option<(Instant, &'static str)> {
        let limits = &self.limits;
        match self.lock().0 {
            Phase::Waiting { since, first: true } | Phase::Head { since } => Some((
                since + limits.header_read_timeout,
                "request headers not received in time",
            )),
            Phase::Waiting {
                since,
                first: false,
            } => Some((since + limits.idle_timeout, "idle keep-alive connection")),
            Phase::Busy => None,
        }
    }
}

/// Marks a request in flight until dropped (also when the client goes away
/// mid-request and hyper drops the future).
struct Busy(Arc<Activity>);

impl Busy {
    fn start(activity: Arc<Activity>) -> Busy {
        {
            let mut state = activity.lock();
            state.0 = Phase::Busy;
            state.1 += 1;
        }
        Busy(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.1 = state.1.saturating_sub(1);
        if state.1 == 0 {
            state.0 = Phase::Waiting {
                since: Instant::now(),
                first: false,
            };
        }
    }
}

/// A TCP stream that fails with `TimedOut` when the connection's deadline
/// passes while it waits to read or write.
struct Guarded {
    stream: TcpStream,
    activity: Arc<Activity>,
    timer: Pin<Box<Sleep>>,
    armed: Option<Instant>,
}

impl Guarded {
    fn new(stream: TcpStream, activity: Arc<Activity>) -> Guarded {
        Guarded {
            stream,
            activity,
            timer: Box::pin(tokio::time::sleep(Duration::ZERO)),
            armed: None,
        }
    }

    /// Called when the stream itself is pending: `Ready(err)` once the
    /// deadline has passed, otherwise pending with the timer armed.
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        let Some((deadline, why)) = self.activity.deadline() else {
            return Poll::Pending;
        };
        if self.armed != Some(deadline) {
            self.timer
                .as_mut()
                .reset(tokio::time::Instant::from_std(deadline));
            self.armed = Some(deadline);
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, why)),
            Poll::Pending => Poll::Pending,
        }
    }

    /// After a successful write or flush: arms the timer with the task's
    /// waker. hyper does not read again after sending a response until the
    /// socket is readable, so without this an idle keep-alive connection
    /// would never look at its deadline. A deadline already past wakes the
    /// task at once, and the next read fails.
    fn arm(&mut self, cx: &mut Context<'_>) {
        if self.poll_deadline(cx).is_ready() {
            cx.waker().wake_by_ref();
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.activity.received();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => this.poll_deadline(cx).map(Err),
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.stream).poll_write(cx, buf) {
            Poll::Pending => this.poll_deadline(cx).map(Err),
            ready => {
                this.arm(cx);
                ready
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.stream).poll_flush(cx) {
            Poll::Pending => this.poll_deadline(cx).map(Err),
            ready => {
                this.arm(cx);
                ready
            }
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.stream).poll_write_vectored(cx, bufs) {
            Poll::Pending => this.poll_deadline(cx).map(Err),
            ready => {
                this.arm(cx);
                ready
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
