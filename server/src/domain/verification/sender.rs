//! How a code reaches a person: the port an SMS gateway plugs into, and the log for
//! self-hosted installs.
use async_trait::async_trait;

/// Delivers codes. Self-hosted installs get [`LogSender`]; an SMS gateway plugs in here.
#[async_trait]
pub trait CodeSender: Send + Sync + 'static {
    async fn send(&self, phone: &str, code: &str) -> Result<(), String>;
}

/// Writes `verification code for <phone>: <code>` to the server log.
pub struct LogSender;

#[async_trait]
impl CodeSender for LogSender {
    async fn send(&self, phone: &str, code: &str) -> Result<(), String> {
        tracing::info!(target: "verification", "verification code for {phone}: {code}");
        Ok(())
    }
}
