//! Across instances sharing PostgreSQL, a nonce is also claimed in the database, so it is accepted
//! once by all of them together (and, since the table outlives a process, across restarts).
//!
//! One `INSERT` per call made the database's commit the limit of every instance. Claims are
//! batched instead, as group commit does: the requests that arrive while a batch is being written
//! go together in the next one (`INSERT … SELECT FROM UNNEST(…) ON CONFLICT DO NOTHING
//! RETURNING`), and each request is answered when its batch has committed, by whether its row is
//! among those returned. Replay protection stays exact; an idle server still writes a lone claim
//! at once.
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use sea_orm::sqlx::{self, PgPool};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
};
use tokio::sync::{mpsc, oneshot, Semaphore};

use crate::domain::error::DomainError;
use crate::domain::services::Services;
use crate::infra::entities::used_nonce;

/// Claims written in one statement at most.
const MAX_BATCH: usize = 1_024;
/// Batches being written at once: while they commit, the next claims gather.
const BATCHES_IN_FLIGHT: usize = 4;
/// Claims waiting for a batch at most; past it a request waits to join the queue.
const MAX_WAITING: usize = 16_384;

pub struct SharedNonces {
    /// `None` on SQLite, which one instance uses alone.
    pool: Option<PgPool>,
    /// Claims per statement at most ([`MAX_BATCH`]; 1 is the old one `INSERT` a call, kept for
    /// the benchmark's comparison).
    max_batch: usize,
    /// The batch writer's queue, started with the first claim (inside the runtime).
    queue: OnceLock<mpsc::Sender<Claim>>,
}

struct Claim {
    access_key_id: String,
    nonce: String,
    expires_at: DateTime<Utc>,
    answer: oneshot::Sender<Result<bool, String>>,
}

impl SharedNonces {
    pub fn for_database(db: &DatabaseConnection) -> Self {
        let pool = (db.get_database_backend() == DatabaseBackend::Postgres)
            .then(|| db.get_postgres_connection_pool().clone());
        Self {
            pool,
            max_batch: MAX_BATCH,
            queue: OnceLock::new(),
        }
    }

    /// At most `max_batch` claims a statement (at least 1).
    pub fn with_max_batch(mut self, max_batch: usize) -> Self {
        self.max_batch = max_batch.max(1);
        self
    }

    /// Claims the key's nonce until `expires_at`; `false` if any instance (or this one, before a
    /// restart) spent it already.
    pub async fn claim(
        &self,
        access_key_id: &str,
        nonce: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        let Some(pool) = &self.pool else {
            return Ok(true);
        };
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(MAX_WAITING);
            tokio::spawn(write_batches(pool.clone(), receiver, self.max_batch));
            sender
        });
        let (answer, answered) = oneshot::channel();
        let claim = Claim {
            access_key_id: access_key_id.to_owned(),
            nonce: nonce.to_owned(),
            expires_at,
            answer,
        };
        let stopped = || DomainError::Internal("the nonce claim writer stopped".to_owned());
        queue.send(claim).await.map_err(|_| stopped())?;
        answered
            .await
            .map_err(|_| stopped())?
            .map_err(|e| DomainError::Internal(format!("claiming a nonce: {e}")))
    }
}

async fn write_batches(pool: PgPool, mut queue: mpsc::Receiver<Claim>, max_batch: usize) {
    // One claim a statement gets as many statements in flight as the pool has connections.
    let in_flight = if max_batch == 1 {
        pool.options().get_max_connections() as usize
    } else {
        BATCHES_IN_FLIGHT
    };
    let in_flight = Arc::new(Semaphore::new(in_flight));
    loop {
        // A slot first, then everything that has gathered meanwhile.
        let Ok(slot) = in_flight.clone().acquire_owned().await else {
            return;
        };
        let mut batch = Vec::with_capacity(max_batch);
        if queue.recv_many(&mut batch, max_batch).await == 0 {
            return;
        }
        let pool = pool.clone();
        tokio::spawn(async move {
            write_batch(&pool, batch).await;
            drop(slot);
        });
    }
}

async fn write_batch(pool: &PgPool, mut batch: Vec<Claim>) {
    // In one order everywhere: two instances' batches that meet on the same rows then wait for
    // each other in turn, and never each for the other (a deadlock PostgreSQL would break by
    // failing one of them).
    batch.sort_unstable_by(|a, b| (&a.access_key_id, &a.nonce).cmp(&(&b.access_key_id, &b.nonce)));
    let mut keys = Vec::with_capacity(batch.len());
    let mut nonces = Vec::with_capacity(batch.len());
    let mut expiries = Vec::with_capacity(batch.len());
    for claim in &batch {
        keys.push(claim.access_key_id.as_str());
        nonces.push(claim.nonce.as_str());
        expiries.push(claim.expires_at);
    }
    let mut written = insert(pool, &keys, &nonces, &expiries).await;
    for _ in 0..2 {
        // A deadlock or serialization failure is the database asking for another try.
        match &written {
            Err(sqlx::Error::Database(e))
                if e.code().is_some_and(|c| c == "40P01" || c == "40001") =>
            {
                written = insert(pool, &keys, &nonces, &expiries).await;
            }
            _ => break,
        }
    }
    match written {
        Ok(rows) => {
            let mut new: HashSet<(String, String)> = rows.into_iter().collect();
            for claim in batch {
                // `remove`: of two equal claims in one batch, only the first is new.
                let fresh = new.remove(&(claim.access_key_id, claim.nonce));
                let _ = claim.answer.send(Ok(fresh));
            }
        }
        Err(error) => {
            let error = error.to_string();
            for claim in batch {
                let _ = claim.answer.send(Err(error.clone()));
            }
        }
    }
}

/// One statement for the whole batch, in the arrays' order; the rows it added.
async fn insert(
    pool: &PgPool,
    keys: &[&str],
    nonces: &[&str],
    expiries: &[DateTime<Utc>],
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO used_nonces (access_key_id, nonce, expires_at) \
         SELECT k, n, e FROM UNNEST($1::text[], $2::text[], $3::timestamptz[]) \
         WITH ORDINALITY AS claims(k, n, e, i) ORDER BY i \
         ON CONFLICT (access_key_id, nonce) DO NOTHING RETURNING access_key_id, nonce",
    )
    .bind(keys)
    .bind(nonces)
    .bind(expiries)
    .fetch_all(pool)
    .await
}

/// Removes shared nonces whose window is over.
pub async fn forget_expired_shared(svc: &Services) -> Result<(), DomainError> {
    if svc.db.get_database_backend() == DatabaseBackend::Postgres {
        used_nonce::Entity::delete_many()
            .filter(used_nonce::Column::ExpiresAt.lt(svc.clock.now()))
            .exec(&svc.db)
            .await?;
    }
    Ok(())
}
