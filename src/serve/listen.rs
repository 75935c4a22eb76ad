//! The listening side of serve: an async runtime of its own (tokio, two threads) that accepts
//! every connection and runs each one as a task under hyper's HTTP/1.1, so that a slow or
//! stalled client, or an open event stream, holds no thread that another page needs.
//!
//! The limits, per connection: request headers of at most [`MAX_HEADER_BYTES`] in at most
//! [`MAX_HEADERS`] lines, sent within [`HEADER_TIMEOUT`] (which also closes idle keep-alive
//! connections); a response that cannot be written for [`WRITE_TIMEOUT`] drops the connection.
//! Per client address at most [`MAX_PER_CLIENT`] connections, in all [`MAX_CONNECTIONS`]; a
//! connection over the limit is told 503 and closed at once. Request bodies are refused before
//! they are read (http.rs).

use super::http::{self, Front};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio_io_timeout::TimeoutStream;

/// Open connections in all; kept well below the usual limit of 1,024 open files, which the
/// builder needs too.
pub(crate) const MAX_CONNECTIONS: usize = 512;
/// Open connections from one address (a browser opens six per site, plus one event stream per tab).
pub(crate) const MAX_PER_CLIENT: usize = 256;
/// The request line and headers, in bytes.
pub(crate) const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Header lines of a request.
pub(crate) const MAX_HEADERS: usize = 64;
/// How long a client may take to send a request's headers, or stay idle between requests.
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a response may wait for the client to take more bytes before it is dropped.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// hyper's read and write buffers, per connection (its least allowed is 8 KiB).
const BUFFER: usize = 64 * 1024;

/// The running listener; [`Listening::stop`] closes the port and every connection.
pub(super) struct Listening {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Listening {
    /// Starts accepting on `listener` (already bound) and answering with `front`.
    pub(super) fn start(listener: std::net::TcpListener, front: Front) -> std::io::Result<Listening> {
        listener.set_nonblocking(true)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("bulletin-http")
            .enable_io()
            .enable_time()
            .build()?;
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(listener)?
        };
        let (stop, stopped) = oneshot::channel();
        let front = Arc::new(front);
        let thread = std::thread::Builder::new()
            .name("bulletin-accept".into())
            .spawn(move || {
                let accepting = runtime.spawn(accept(listener, front));
                // Stop, or the Server gone: either way the end.
                let _ = runtime.block_on(stopped);
                accepting.abort();
                // Drops every connection task: open pages see their event stream end.
                runtime.shutdown_timeout(Duration::from_millis(200));
            })?;
        Ok(Listening {
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Closes the port and every connection, and waits until they are closed.
    pub(super) fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Accepts connections until the task is aborted.
async fn accept(listener: TcpListener, front: Arc<Front>) {
    let counts = Arc::new(Counts::default());
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors (or another passing failure): wait for some to close
                // rather than spin.
                if !matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
                ) {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                continue;
            }
        };
        match Counts::admit(&counts, peer.ip()) {
            Some(slot) => {
                tokio::spawn(connection(stream, Arc::clone(&front), slot));
            }
            None => refuse(&stream),
        }
    }
}

/// Answers one connection's requests until it closes, fails or stalls.
async fn connection(stream: TcpStream, front: Arc<Front>, slot: Slot) {
    let _slot = slot;
    let _ = stream.set_nodelay(true);
    let mut io = TimeoutStream::new(stream);
    io.set_write_timeout(Some(WRITE_TIMEOUT));
    let io = TokioIo::new(Box::pin(io));
    let service = service_fn(move |req| {
        let front = Arc::clone(&front);
        async move { Ok::<_, Infallible>(http::handle(&front, &req).await) }
    });
    // A failed connection concerns that client only.
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_header_size(MAX_HEADER_BYTES)
        .max_headers(MAX_HEADERS)
        .max_buf_size(BUFFER)
        .serve_connection(io, service)
        .await;
}

/// Tells a connection over the limits to come back later, without waiting for it.
fn refuse(stream: &TcpStream) {
    const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\
        Content-Length: 38\r\nRetry-After: 1\r\nConnection: close\r\n\r\ntoo many connections; try again later\n";
    // Best effort: a fresh socket takes this small answer at once, or the client gets a close.
    let _ = stream.try_write(BUSY);
}

/// Open connections, in all and per client address.
#[derive(Default)]
struct Counts {
    by_client: Mutex<HashMap<IpAddr, usize>>,
}

/// One admitted connection; dropping it frees its place.
struct Slot {
    counts: Arc<Counts>,
    client: IpAddr,
}

impl Counts {
    /// A place for a connection from `client`, if the limits allow one.
    fn admit(counts: &Arc<Counts>, client: IpAddr) -> Option<Slot> {
        let mut by_client = super::server::lock(&counts.by_client);
        let total: usize = by_client.values().sum();
        let mine = by_client.get(&client).copied().unwrap_or(0);
        if total >= MAX_CONNECTIONS || mine >= MAX_PER_CLIENT {
            return None;
        }
        by_client.insert(client, mine + 1);
        Some(Slot {
            counts: Arc::clone(counts),
            client,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut by_client = super::server::lock(&self.counts.by_client);
        if let Some(n) = by_client.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                by_client.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_limited_per_client_and_in_all() {
        let counts = Arc::new(Counts::default());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let mut held: Vec<Slot> = (0..MAX_PER_CLIENT)
            .map(|_| Counts::admit(&counts, a).unwrap())
            .collect();
        assert!(Counts::admit(&counts, a).is_none(), "one client over its share");
        held.pop();
        held.push(Counts::admit(&counts, a).expect("a closed connection frees its place"));
        // Two clients fill every place.
        assert_eq!(MAX_CONNECTIONS, 2 * MAX_PER_CLIENT);
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let c: IpAddr = "10.0.0.3".parse().unwrap();
        held.extend((0..MAX_PER_CLIENT).map(|_| Counts::admit(&counts, b).unwrap()));
        assert!(Counts::admit(&counts, c).is_none(), "every place taken");
        drop(held);
        assert!(super::super::server::lock(&counts.by_client).is_empty());
    }
}
