use std::future::IntoFuture;
use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::sync::Arc;

use clap::Parser;
use leptos::prelude::get_configuration;
use sea_orm::{ConnectionTrait, DatabaseBackend};
use server::config::{AccessKeyCommand, AccountCommand, Cli, Command, Config, UserCommand};
use server::console::{console_router, ConsoleSessionStore};
use server::domain::access_keys::{self, KeyOwner};
use server::domain::identity::{self, NewAccount};
use server::domain::permissions::attachments::{self, Grantee};
use server::domain::policy::{PolicyType, SystemPolicy};
use server::domain::ram_users::{self, NewRamUser};
use server::domain::services::Services;
use server::gateway::nonces::{NonceStore, Restored};
use server::gateway::{api_router, Gateway, NONCE_WINDOW_SECS};
use server::infra::crypto::SecretBox;
use server::infra::files::{require_private, WhenNotPrivate};
use server::jobs::Jobs;
use zeroize::Zeroizing;

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    // Logs go to stderr: stdout carries only what a command prints (JSON for automation).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&cli.config.log)
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.config).await,
        Command::Account {
            command:
                AccountCommand::Create {
                    alias,
                    email,
                    phone,
                },
        } => create_account(cli.config, alias, email, phone).await,
        Command::User {
            command:
                UserCommand::Create {
                    account,
                    name,
                    policies,
                },
        } => create_user(cli.config, account, name, policies).await,
        Command::AccessKey {
            command: AccessKeyCommand::Create { account, user },
        } => create_access_key(cli.config, account, user).await,
        Command::Seed {
            account,
            users,
            keys_per_user,
            prefix,
        } => seed(cli.config, account, users, keys_per_user, prefix).await,
    };
    if let Err(error) = result {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

async fn services(config: &Config) -> Result<Arc<Services>, Failure> {
    std::fs::create_dir_all(&config.data_dir)?;
    let (master_key, source) = config.master_key()?;
    tracing::info!("configuration: {}", config.summary(&source));
    let url = config.database_url();
    let sqlite_file = server::infra::db::sqlite_file(&url);
    let existed = sqlite_file.as_ref().is_some_and(|file| file.exists());
    let db = server::infra::db::connect_and_migrate(&url).await?;
    if let Some(file) = sqlite_file {
        // The database in the data directory, or one just created, is the server's own; an
        // existing one named by URL is not.
        let when_not = if config.database_url.is_none() || !existed {
            WhenNotPrivate::Tighten
        } else {
            WhenNotPrivate::Refuse
        };
        for suffix in ["", "-wal", "-shm"] {
            let mut path = file.clone().into_os_string();
            path.push(suffix);
            require_private(std::path::Path::new(&path), when_not)?;
        }
    }
    Ok(Arc::new(Services::new(
        db,
        SecretBox::new(&master_key),
        config.settings(),
    )))
}

async fn serve(config: Config) -> Result<(), Failure> {
    let svc = services(&config).await?;
    svc.sender.announce();
    let sessions = ConsoleSessionStore::for_database(&svc.db);
    let mut options = get_configuration(None)?.leptos_options;
    options.site_root = config.site_root.to_string_lossy().as_ref().into();
    options.site_addr = config.listen;
    let needs_setup = identity::setup_needed(&svc).await?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let api_listener = tokio::net::TcpListener::bind(config.api_listen).await?;
    let nonce_memory = usize::from(config.nonce_memory_mib) << 20;
    // PostgreSQL remembers used nonces itself, and before setup no key exists whose calls could
    // be replayed; otherwise the store outlives the process through a clean stop's save.
    let remembered = svc.db.get_database_backend() != DatabaseBackend::Postgres && !needs_setup;
    let nonces_file = config.data_dir.join("nonces.saved");
    let nonces = if remembered {
        let (nonces, restored) = NonceStore::restore(
            NONCE_WINDOW_SECS,
            nonce_memory,
            &nonces_file,
            svc.clock.now(),
        );
        match restored {
            Restored::Saved(count) => {
                tracing::info!("{count} used nonces restored from the last clean stop")
            }
            Restored::NotBefore(start) => tracing::info!(
                "no used nonces saved by a clean stop: calls signed before {start} are refused as possible replays"
            ),
        }
        nonces
    } else {
        NonceStore::new(NONCE_WINDOW_SECS, nonce_memory)
    };
    let gateway = Arc::new(
        Gateway::new(svc.clone())
            .with_host_id(api_listener.local_addr()?.to_string())
            .with_trusted_proxies(config.trusted_proxies.clone())
            .with_nonces(nonces),
    );
    let jobs = Jobs::start(svc.clone(), Some(gateway.clone()), Some(sessions.clone()));
    let app = console_router(
        svc.clone(),
        sessions,
        options,
        config.secure_cookies,
        config.trusted_proxies.clone(),
    );
    let url = format!("http://{}", listener.local_addr()?);
    tracing::info!("console listening on {url}");
    tracing::info!(
        "API listening on http://{} (RAM 2015-05-01, IMS 2019-08-15)",
        api_listener.local_addr()?
    );
    if needs_setup {
        tracing::info!("no account yet: open {url}/setup to create the account owner");
    }
    let console = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal());
    // The API records each caller's address as the key's last-used source IP.
    let api = axum::serve(
        api_listener,
        api_router(gateway.clone()).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal());
    let metrics_listener = match config.metrics_listen {
        Some(address) => Some(tokio::net::TcpListener::bind(address).await?),
        None => None,
    };
    let metrics = async {
        let Some(listener) = metrics_listener else {
            return Ok(());
        };
        tracing::info!("metrics at http://{}/metrics", listener.local_addr()?);
        axum::serve(listener, server::metrics::metrics_router(gateway.clone()))
            .with_graceful_shutdown(shutdown_signal())
            .await
    };
    let served = async { tokio::try_join!(console.into_future(), api.into_future(), metrics) };
    // In-flight requests finish; a connection still open after that is not waited for.
    let deadline = async {
        shutdown_signal().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = served => { served?; }
        () = deadline => tracing::warn!(
            "requests still open {} s after the stop signal; stopping without them",
            SHUTDOWN_GRACE.as_secs()
        ),
    }
    jobs.stop().await;
    // After the last call: the next start refuses replays of what this process accepted.
    if svc.db.get_database_backend() != DatabaseBackend::Postgres {
        match gateway.nonces.save(&nonces_file, svc.clock.now()) {
            Ok(count) => tracing::info!("stopped; {count} used nonces saved"),
            Err(error) => tracing::warn!("saving the used nonces failed: {error}"),
        }
    }
    Ok(())
}

/// Ctrl-C or SIGTERM.
/// How long requests in flight at a stop signal may take; the audit queue and last-used times
/// are written after it, well within the 10 seconds a service manager usually allows.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(7);

async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}

async fn create_account(
    config: Config,
    alias: String,
    email: String,
    phone: String,
) -> Result<(), Failure> {
    let password = read_password()?;
    let svc = services(&config).await?;
    let account = identity::create_account(
        &svc,
        NewAccount {
            alias,
            email,
            mobile_phone: phone,
            password: password.to_string(),
        },
    )
    .await?;
    println!(
        "{}",
        serde_json::json!({ "AccountId": account.id, "Alias": account.alias, "Email": account.email })
    );
    Ok(())
}

async fn create_user(
    config: Config,
    account: String,
    name: String,
    policies: Vec<String>,
) -> Result<(), Failure> {
    let policies = policies
        .iter()
        .map(|p| SystemPolicy::from_name(p))
        .collect::<Result<Vec<_>, _>>()?;
    let svc = services(&config).await?;
    let account = identity::find_account_by_alias(&svc, &account).await?;
    let user = ram_users::create(
        &svc,
        account.id,
        NewRamUser {
            name,
            ..Default::default()
        },
    )
    .await?;
    for policy in &policies {
        attachments::attach(
            &svc,
            account.id,
            PolicyType::System,
            policy.name(),
            Grantee::User(&user.name),
        )
        .await?;
    }
    println!(
        "{}",
        serde_json::json!({
            "UserId": user.id,
            "UserName": user.name,
            "UserPrincipalName": identity::ram_logon_name(&user.name, &account.alias),
            "Policies": policies.iter().map(|p| p.name()).collect::<Vec<_>>(),
        })
    );
    Ok(())
}

async fn create_access_key(
    config: Config,
    account: String,
    user: Option<String>,
) -> Result<(), Failure> {
    let svc = services(&config).await?;
    let account = identity::find_account_by_alias(&svc, &account).await?;
    let owner = match user {
        Some(name) => KeyOwner::User {
            account_id: account.id,
            user_id: ram_users::find(&svc, account.id, &name).await?.id,
        },
        None => KeyOwner::Account {
            account_id: account.id,
        },
    };
    let created = access_keys::create(&svc, owner).await?;
    println!(
        "{}",
        serde_json::json!({ "AccessKeyId": created.key.access_key_id, "AccessKeySecret": created.secret.as_str() })
    );
    Ok(())
}

async fn seed(
    config: Config,
    account: String,
    users: u64,
    keys_per_user: u32,
    prefix: String,
) -> Result<(), Failure> {
    let svc = services(&config).await?;
    let account = identity::find_account_by_alias(&svc, &account).await?;
    let seeded =
        server::seed::ram_users_with_keys(&svc, account.id, &prefix, users, keys_per_user).await?;
    println!(
        "{}",
        serde_json::json!({ "Users": seeded.users, "AccessKeys": seeded.access_keys })
    );
    Ok(())
}

/// A prompt on a terminal (asked twice); otherwise the first line of standard input.
fn read_password() -> Result<Zeroizing<String>, Failure> {
    if std::io::stdin().is_terminal() {
        let first = Zeroizing::new(rpassword::prompt_password("Password: ")?);
        let again = Zeroizing::new(rpassword::prompt_password("Password again: ")?);
        if first != again {
            return Err("the two passwords do not match".into());
        }
        return Ok(first);
    }
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(Zeroizing::new(
        line.trim_end_matches(['\r', '\n']).to_owned(),
    ))
}
