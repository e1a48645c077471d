//! Console sessions, kept in the console's own database under a hash of their ID: the cookie
//! holds the ID itself, so whoever reads the table (a backup, a leaked dump) cannot sign in with
//! what is there.
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};
use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// Sessions live in the console's own database, on whichever backend it uses, through its pool.
#[derive(Clone, Debug)]
pub enum ConsoleSessionStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl ConsoleSessionStore {
    pub fn for_database(db: &DatabaseConnection) -> Self {
        match db.get_database_backend() {
            DatabaseBackend::Postgres => Self::Postgres(
                PostgresStore::new(db.get_postgres_connection_pool().clone())
                    .with_schema_name("public")
                    .and_then(|store| store.with_table_name("tower_sessions"))
                    .expect("valid identifiers"),
            ),
            _ => Self::Sqlite(SqliteStore::new(db.get_sqlite_connection_pool().clone())),
        }
    }

    /// Removes the sessions that have expired (the hourly job calls it).
    pub async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete_expired().await,
            Self::Postgres(s) => s.delete_expired().await,
        }
    }
}

/// The ID a session is stored under: the first 128 bits of SHA-256 of the cookie's ID. The ID is
/// 128 random bits, so a plain hash cannot be reversed by guessing.
fn stored_id(id: &Id) -> Id {
    let digest = Sha256::digest(id.0.to_le_bytes());
    let mut half = [0u8; 16];
    half.copy_from_slice(&digest[..16]);
    Id(i128::from_le_bytes(half))
}

fn stored(record: &Record) -> Record {
    let mut stored = record.clone();
    stored.id = stored_id(&record.id);
    stored
}

impl ConsoleSessionStore {
    async fn save_stored(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.save(record).await,
            Self::Postgres(s) => s.save(record).await,
        }
    }

    async fn load_stored(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(s) => s.load(id).await,
            Self::Postgres(s) => s.load(id).await,
        }
    }
}

#[async_trait::async_trait]
impl SessionStore for ConsoleSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A new ID until its hash is free (as the stores' own `create` does with IDs).
        while self.load_stored(&stored_id(&record.id)).await?.is_some() {
            record.id = Id::default();
        }
        self.save_stored(&stored(record)).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.save_stored(&stored(record)).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        Ok(self.load_stored(&stored_id(id)).await?.map(|mut record| {
            record.id = *id;
            record
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let id = stored_id(id);
        match self {
            Self::Sqlite(s) => s.delete(&id).await,
            Self::Postgres(s) => s.delete(&id).await,
        }
    }
}
