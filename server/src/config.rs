//! Configuration: flags, each with an environment fallback. One struct, printed at start with
//! secrets redacted.
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use ipnet::IpNet;

use crate::domain::services::Settings;
use crate::infra::crypto::{CryptoError, MasterKey, MasterKeySource};

/// Memory for the signed API's used nonces by default, in MiB: about 12.7 million entries,
/// each kept until its request's timestamp is 15 minutes old, so about 14,000 calls a second
/// sustained before the busiest keys are throttled.
pub const NONCE_MEMORY_MIB: u16 = (crate::gateway::nonces::DEFAULT_MEMORY_BYTES >> 20) as u16;
#[derive(Debug, Parser)]
#[command(
    name = "server",
    version,
    about = "The AccessKey console and API server"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the console (the default).
    Serve,
    /// Manage accounts.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Manage RAM users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage AccessKey pairs.
    AccessKey {
        #[command(subcommand)]
        command: AccessKeyCommand,
    },
    /// Fill an account with many RAM users and their AccessKey pairs, for load tests and demos.
    Seed {
        /// The account alias.
        #[arg(long)]
        account: String,
        #[arg(long, default_value_t = 100_000)]
        users: u64,
        #[arg(long, default_value_t = 2)]
        keys_per_user: u32,
        /// Users are named `<prefix>000001`, `<prefix>000002`, ….
        #[arg(long, default_value = "seed-user-")]
        prefix: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an account owner; the password is read from standard input or a prompt.
    Create {
        #[arg(long)]
        alias: String,
        #[arg(long)]
        email: String,
        /// Mobile phone as country code, hyphen and number: 86-13800000000.
        #[arg(long)]
        phone: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a RAM user, optionally with system policies attached.
    Create {
        /// The account alias.
        #[arg(long)]
        account: String,
        /// The logon name (1–64 letters, digits, `.`, `_`, `-`).
        #[arg(long)]
        name: String,
        /// AdministratorAccess, AliyunRAMFullAccess or AliyunRAMReadOnlyAccess; repeatable.
        #[arg(long = "policy")]
        policies: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccessKeyCommand {
    /// Create an AccessKey pair for an account owner (or, with --user, a RAM user) and print it as JSON.
    Create {
        /// The account alias.
        #[arg(long)]
        account: String,
        /// A RAM user's logon name; without it the pair is the account owner's.
        #[arg(long)]
        user: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct Config {
    /// Where the SQLite database and the master key file live; created on first start.
    #[arg(
        long,
        env = "ACCESSKEY_DATA_DIR",
        default_value = "data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// A database to use instead of SQLite in the data directory (sqlite:… or postgres://…).
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// The master key, base64 of 32 bytes. Without it, <data-dir>/master.key is used (and created).
    #[arg(
        long,
        env = "ACCESSKEY_MASTER_KEY",
        hide_env_values = true,
        global = true
    )]
    pub master_key: Option<String>,
    /// Address of the console.
    #[arg(
        long,
        env = "ACCESSKEY_LISTEN",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub listen: SocketAddr,
    /// Address of the signed API (Alibaba Cloud RAM/IMS compatible), separate from the console.
    #[arg(
        long,
        env = "ACCESSKEY_API_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub api_listen: SocketAddr,
    /// Address for `GET /metrics` (Prometheus); none by default. It needs no credentials: keep it
    /// on loopback or a private network.
    #[arg(long, env = "ACCESSKEY_METRICS_LISTEN", global = true)]
    pub metrics_listen: Option<SocketAddr>,
    /// The built site (wasm, CSS, assets).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,
    /// Mark cookies `Secure`; turn on when the console is served over TLS.
    #[arg(long, env = "ACCESSKEY_SECURE_COOKIES", global = true)]
    pub secure_cookies: bool,
    /// How many AccessKey pairs an account owner may hold at once.
    #[arg(
        long,
        env = "ACCESSKEY_MAX_ACCOUNT_ACCESS_KEYS",
        default_value_t = 5,
        global = true
    )]
    pub max_account_access_keys: u32,
    /// How long a verification code stays valid, in seconds.
    #[arg(
        long,
        env = "ACCESSKEY_VERIFICATION_CODE_TTL",
        default_value_t = 300,
        global = true
    )]
    pub verification_code_ttl: u32,
    /// Reverse proxies in front of the API whose X-Forwarded-For is believed when network access
    /// policies check a caller's address (comma-separated addresses or CIDR blocks). Without
    /// any, the connection's own address counts.
    #[arg(
        long,
        env = "ACCESSKEY_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = crate::domain::network_policy::parse_network,
        global = true
    )]
    pub trusted_proxies: Vec<IpNet>,
    /// Memory for the signature nonces the API remembers, in MiB (about 21 bytes each, kept
    /// until the request's timestamp is 15 minutes old). When it runs short, the keys and
    /// accounts sending the most get `Throttling.User`; quiet ones are still answered.
    #[arg(
        long,
        env = "ACCESSKEY_NONCE_MEMORY_MIB",
        default_value_t = NONCE_MEMORY_MIB,
        value_parser = clap::value_parser!(u16).range(1..),
        global = true
    )]
    pub nonce_memory_mib: u16,
    /// Log filter, in tracing's EnvFilter syntax.
    #[arg(
        long,
        env = "ACCESSKEY_LOG",
        default_value = "info,sqlx=warn,sea_orm=warn",
        global = true
    )]
    pub log: String,
}

impl Config {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| crate::infra::db::sqlite_url_in(&self.data_dir))
    }

    pub fn master_key(&self) -> Result<(MasterKey, MasterKeySource), CryptoError> {
        match &self.master_key {
            Some(encoded) => Ok((
                MasterKey::from_base64(encoded)?,
                MasterKeySource::Environment,
            )),
            None => {
                let path = self.data_dir.join("master.key");
                Ok((
                    MasterKey::load_or_create(&path)?,
                    MasterKeySource::File(path),
                ))
            }
        }
    }

    pub fn settings(&self) -> Settings {
        Settings {
            max_account_access_keys: self.max_account_access_keys,
            verification_code_ttl: chrono::Duration::seconds(i64::from(self.verification_code_ttl)),
            ..Settings::default()
        }
    }

    /// The start-up summary: every setting, no secret.
    pub fn summary(&self, master_key: &MasterKeySource) -> String {
        format!(
            "listen {} | API listen {} | site root {} | data dir {} | database {} | master key {} | secure cookies {} | \
             max account AccessKeys {} | verification code TTL {}s | trusted proxies {} | nonce memory {} MiB | \
             log {}",
            self.listen,
            self.api_listen,
            self.site_root.display(),
            self.data_dir.display(),
            crate::infra::db::redact_url(&self.database_url()),
            master_key,
            self.secure_cookies,
            self.max_account_access_keys,
            self.verification_code_ttl,
            if self.trusted_proxies.is_empty() {
                "none".to_owned()
            } else {
                self.trusted_proxies
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            },
            self.nonce_memory_mib,
            self.log,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_settings_come_from_flags_and_show_in_the_summary() {
        let cli = Cli::try_parse_from(["server"]).unwrap();
        assert_eq!(cli.config.nonce_memory_mib, 256);
        assert!(cli.config.trusted_proxies.is_empty());
        let cli = Cli::try_parse_from([
            "server",
            "--nonce-memory-mib",
            "1024",
            "--trusted-proxies",
            "10.0.0.0/8,192.0.2.1",
        ])
        .unwrap();
        assert_eq!(cli.config.nonce_memory_mib, 1024);
        let summary = cli.config.summary(&MasterKeySource::Environment);
        assert!(
            summary.contains("trusted proxies 10.0.0.0/8,192.0.2.1/32")
                && summary.contains("nonce memory 1024 MiB"),
            "{summary}"
        );
        assert!(Cli::try_parse_from(["server", "--nonce-memory-mib", "many"]).is_err());
        assert!(Cli::try_parse_from(["server", "--nonce-memory-mib", "0"]).is_err());
    }
}
