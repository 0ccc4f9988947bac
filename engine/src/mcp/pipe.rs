//! Non-blocking reads and writes on the stdio pipes, driven by the tokio reactor.
//!
//! tokio's own `stdin()` and `fs::File` hand every read and write to the blocking thread pool,
//! which costs a thread hand-off per message. When stdin and the protocol's stdout are pipes or
//! sockets, they are switched to non-blocking mode and polled with `AsyncFd` instead; anything
//! else (a regular file, `/dev/null`) falls back to tokio's blocking wrappers.

use std::io;
use std::os::fd::OwnedFd;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A pipe end read or written without blocking.
pub struct Pipe {
    fd: AsyncFd<OwnedFd>,
}

impl Pipe {
    /// Wraps `fd`, switching it to non-blocking mode.
    ///
    /// # Errors
    ///
    /// When the descriptor cannot be polled (a regular file, for instance).
    #[expect(
        deprecated,
        reason = "AsyncFd::new's replacement is unsafe; the OwnedFd lives inside the AsyncFd, so it cannot be closed while registered"
    )]
    pub fn new(fd: OwnedFd) -> io::Result<Self> {
        rustix::io::ioctl_fionbio(&fd, true)?;
        Ok(Pipe {
            fd: AsyncFd::new(fd)?,
        })
    }
}

impl AsyncRead for Pipe {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            let mut guard = ready!(self.fd.poll_read_ready(cx))?;
            let unfilled = buf.initialize_unfilled();
            match guard.try_io(|fd| {
                rustix::io::read(fd.get_ref(), &mut *unfilled).map_err(io::Error::from)
            }) {
                Ok(Ok(n)) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => continue,
            }
        }
    }
}

impl AsyncWrite for Pipe {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            let mut guard = ready!(self.fd.poll_write_ready(cx))?;
            match guard.try_io(|fd| rustix::io::write(fd.get_ref(), buf).map_err(io::Error::from)) {
                Ok(result) => return Poll::Ready(result),
                Err(_would_block) => continue,
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// A reader for `fd`: a [`Pipe`] when it can be polled, tokio's blocking wrapper otherwise.
pub fn reader(fd: OwnedFd) -> Pin<Box<dyn AsyncRead + Send>> {
    match rustix::io::dup(&fd).map(Pipe::new) {
        Ok(Ok(pipe)) => Box::pin(pipe),
        _ => Box::pin(tokio::fs::File::from_std(std::fs::File::from(fd))),
    }
}

/// A writer for `fd`: a [`Pipe`] when it can be polled, tokio's blocking wrapper otherwise.
pub fn writer(fd: OwnedFd) -> Pin<Box<dyn AsyncWrite + Send>> {
    match rustix::io::dup(&fd).map(Pipe::new) {
        Ok(Ok(pipe)) => Box::pin(pipe),
        _ => Box::pin(tokio::fs::File::from_std(std::fs::File::from(fd))),
    }
}
