//! Leak restrictive protection: a key reported as leaked fails every signed call from then on
//! (`gateway::auth`), and the flag cannot be cleared: it goes away with the key. A report comes
//! from the console (**Report Leak**) or from pasted text, like a secret-scanning partner's,
//! where only pairs whose secret really matches are flagged.
use std::collections::BTreeSet;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::domain::access_keys;
use crate::domain::change::{Author, Record};
use crate::domain::error::DomainError;
use crate::domain::permissions::{self, Requester};
use crate::domain::services::Services;
use crate::infra::entities::access_key;

/// The most AccessKey IDs one pasted text is checked for.
const MAX_IDS_PER_REPORT: usize = 100;
/// A secret's length (see `access_keys::new_access_key_secret`).
const SECRET_LEN: usize = 30;

/// Flags a key the caller may manage (`user`: its RAM user; `None`: the caller's own keys).
pub async fn report<'a>(
    by: impl Into<Author<'a>>,
    who: &Requester,
    user: Option<&str>,
    access_key_id: &str,
) -> Result<(), DomainError> {
    let by = by.into();
    let owner = permissions::key_owner(by.svc(), who, user, "ram:ReportAccessKeyLeak").await?;
    let key = access_keys::find_owned(by.svc(), owner, access_key_id).await?;
    flag(by, &key.access_key_id).await
}

async fn flag(by: Author<'_>, access_key_id: &str) -> Result<(), DomainError> {
    let mut change = by.begin().await?;
    // The first report's time stays.
    access_key::Entity::update_many()
        .col_expr(
            access_key::Column::LeakedAt,
            Expr::value(change.svc.clock.now()),
        )
        .filter(access_key::Column::AccessKeyId.eq(access_key_id))
        .filter(access_key::Column::LeakedAt.is_null())
        .exec(change.db())
        .await?;
    change.forget_key(access_key_id);
    change.commit().await
}

/// Finds this server's AccessKey ID + secret pairs in `text` and flags each key whose secret is
/// in the text too; returns the flagged keys as `(AccessKey ID, account)`. An ID without its
/// secret flags nothing, so nobody can lock another's key out by naming it. Each flag is recorded
/// as `record_of(AccessKey ID, account)` says (`None`: not recorded).
pub async fn report_text(
    svc: &Services,
    text: &str,
    record_of: impl Fn(&str, i64) -> Option<Record>,
) -> Result<Vec<(String, i64)>, DomainError> {
    let tokens = || text.split(|c: char| !c.is_ascii_alphanumeric());
    let ids: BTreeSet<&str> = tokens()
        .filter(|t| access_keys::is_access_key_id(t))
        .take(MAX_IDS_PER_REPORT)
        .collect();
    // Hashed, so comparing them takes no time that depends on a real secret's characters.
    let candidates: BTreeSet<[u8; 32]> = tokens()
        .filter(|t| t.len() == SECRET_LEN)
        .map(|t| Sha256::digest(t.as_bytes()).into())
        .collect();
    let mut flagged = Vec::new();
    for id in ids {
        let Some(key) = crate::domain::signing_keys::signing_key(svc, id).await? else {
            continue;
        };
        let secret: [u8; 32] = Sha256::digest(key.secret.as_bytes()).into();
        if candidates.contains(&secret) {
            flag(svc.author(record_of(id, key.account_id)), id).await?;
            flagged.push((id.to_owned(), key.account_id));
        }
    }
    Ok(flagged)
}
