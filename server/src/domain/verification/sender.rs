//! How a code reaches a person: the port an SMS gateway plugs into, and the log for
//! self-hosted installs.
use async_trait::async_trait;

/// Delivers codes. Self-hosted installs get [`LogSender`]; an SMS gateway plugs in here.
#[async_trait]
pub trait CodeSender: Send + Sync + 'static {
    async fn send(&self, phone: &str, code: &str) -> Result<(), String>;

    /// Said once at start: how codes reach people.
    fn announce(&self) {}
}

/// The development sender: writes `verification code for <phone>: <code>` to the server log,
/// the only place a code is ever written in plaintext (and it says so at start).
pub struct LogSender;

#[async_trait]
impl CodeSender for LogSender {
    fn announce(&self) {
        tracing::warn!(
            target: "verification",
            "verification codes are written to this log (the development sender): anyone who \
             reads the log can use them; plug in an SMS gateway (CodeSender) before real use"
        );
    }

    async fn send(&self, phone: &str, code: &str) -> Result<(), String> {
        tracing::info!(target: "verification", "verification code for {phone}: {code}");
        Ok(())
    }
}
