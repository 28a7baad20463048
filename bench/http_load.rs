//! The load generator of the benchmarks: a minimal HTTP/1.1 keep-alive client.

/// A minimal HTTP/1.1 keep-alive client: one connection, each request written whole, each
/// response read by its Content-Length. The load generator shares the 2 cores with the server,
/// and a full client library (reqwest) costs about as much CPU per request as the server: this
/// one leaves the cores to the server.
pub struct Conn {
    stream: tokio::io::BufReader<tokio::net::TcpStream>,
    host: String,
    req: Vec<u8>,
    line: String,
}

impl Conn {
    pub async fn connect(host: &str) -> anyhow::Result<Conn> {
        let stream = tokio::net::TcpStream::connect(host).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream: tokio::io::BufReader::new(stream),
            host: host.to_string(),
            req: Vec::with_capacity(512),
            line: String::new(),
        })
    }

    /// Posts a donation; returns the status and the body.
    pub async fn donate(&mut self, key: &str, body: &[u8]) -> anyhow::Result<(u16, Vec<u8>)> {
        use std::io::Write;
        self.req.clear();
        write!(
            self.req,
            "POST /api/v1/donations HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nIdempotency-Key: {key}\r\nContent-Length: {}\r\n\r\n",
            self.host,
            body.len()
        )?;
        self.req.extend_from_slice(body);
        self.send().await
    }

    /// `GET /healthz`: the same HTTP stack and middleware with no work behind them.
    pub async fn healthz(&mut self) -> anyhow::Result<(u16, Vec<u8>)> {
        self.get("/healthz").await
    }

    /// `GET path` (path and query, already percent-encoded).
    pub async fn get(&mut self, path: &str) -> anyhow::Result<(u16, Vec<u8>)> {
        use std::io::Write;
        self.req.clear();
        write!(
            self.req,
            "GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.host
        )?;
        self.send().await
    }

    /// Sends the request in `self.req`; returns the status and the body.
    async fn send(&mut self) -> anyhow::Result<(u16, Vec<u8>)> {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        self.stream.get_mut().write_all(&self.req).await?;
        let (mut status, mut len) = (0u16, None);
        loop {
            self.line.clear();
            if self.stream.read_line(&mut self.line).await? == 0 {
                anyhow::bail!("the server closed the connection");
            }
            let l = self.line.trim_end();
            if l.is_empty() {
                break;
            }
            if status == 0 {
                status = l.split(' ').nth(1).unwrap_or("").parse()?;
            } else if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = Some(v.trim().parse::<usize>()?);
            }
        }
        let len = len.ok_or_else(|| anyhow::anyhow!("a response without Content-Length"))?;
        let mut out = vec![0; len];
        self.stream.read_exact(&mut out).await?;
        Ok((status, out))
    }
}
