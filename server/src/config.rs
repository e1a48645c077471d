//! Configuration: flags, each with an environment fallback. One struct, printed at start with
//! secrets redacted.
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use ipnet::IpNet;

use crate::domain::services::Settings;
use crate::infra::crypto::{CryptoError, MasterKey, MasterKeySource};

/// Nonces the signed API remembers at most at once by default: each is kept for twice the
/// timestamp window (30 minutes), so this allows about 550 calls a second, sustained.
pub const NONCE_CAPACITY: usize = 1_000_000;
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
    /// How many signature nonces the API remembers at once: each for 30 minutes, under 100 bytes
    /// of memory each. Beyond that, calls get `Throttling.User` until older ones age out, so the
    /// default allows about 550 calls a second, sustained.
    #[arg(
        long,
        env = "ACCESSKEY_NONCE_CAPACITY",
        default_value_t = NONCE_CAPACITY,
        global = true
    )]
    pub nonce_capacity: usize,
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
             max account AccessKeys {} | verification code TTL {}s | trusted proxies {} | nonce capacity {} | \
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
            self.nonce_capacity,
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
        assert_eq!(cli.config.nonce_capacity, NONCE_CAPACITY);
        assert!(cli.config.trusted_proxies.is_empty());
        let cli = Cli::try_parse_from([
            "server",
            "--nonce-capacity",
            "5000000",
            "--trusted-proxies",
            "10.0.0.0/8,192.0.2.1",
        ])
        .unwrap();
        assert_eq!(cli.config.nonce_capacity, 5_000_000);
        let summary = cli.config.summary(&MasterKeySource::Environment);
        assert!(
            summary.contains("trusted proxies 10.0.0.0/8,192.0.2.1/32")
                && summary.contains("nonce capacity 5000000"),
            "{summary}"
        );
        assert!(Cli::try_parse_from(["server", "--nonce-capacity", "many"]).is_err());
    }
}
