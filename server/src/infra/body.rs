//! Reading a request body with a ceiling: nothing past the limit is kept, whichever route or
//! listener it came to.
use bytes::Bytes;
use http_body::Body;
use http_body_util::BodyExt;

/// How far past its limit an oversized body is read, and thrown away, so its sender can read
/// the refusal: a server that answers and closes while the client is still sending makes the
/// client's kernel reset the connection, and the client sees a broken pipe instead of the
/// answer. Past this bound the connection is simply dropped.
const DRAIN_FACTOR: usize = 4;

#[derive(Debug, PartialEq, Eq)]
pub enum BodyRefused {
    /// More than the limit.
    TooLarge,
    /// The sender broke off: there is no one left to answer.
    BrokenOff,
}

/// The whole body if it is at most `limit` bytes.
pub async fn read_limited<B: Body<Data = Bytes> + Unpin>(
    mut body: B,
    declared_length: Option<u64>,
    limit: usize,
) -> Result<Bytes, BodyRefused> {
    // A declared length over the limit is refused before a byte is read; what arrives is still
    // drained (below), up to the bound.
    let mut over = declared_length.is_some_and(|length| length > limit as u64);
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(BodyRefused::BrokenOff);
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen > limit {
            over = true;
            kept = Vec::new();
        }
        if over {
            if seen > limit.saturating_mul(DRAIN_FACTOR) {
                break;
            }
        } else {
            kept.extend_from_slice(&data);
        }
    }
    if over {
        Err(BodyRefused::TooLarge)
    } else {
        Ok(Bytes::from(kept))
    }
}

/// A limit in words for error messages: "1 MiB", "64 KiB".
pub fn describe(limit: usize) -> String {
    if limit >= 1 << 20 && limit.is_multiple_of(1 << 20) {
        format!("{} MiB", limit >> 20)
    } else {
        format!("{} KiB", limit.div_ceil(1 << 10))
    }
}

/// How many `&`-separated parameters a query string or form body holds, counted before any is
/// decoded.
pub fn parameter_count(raw: &[u8]) -> usize {
    raw.split(|&b| b == b'&').filter(|p| !p.is_empty()).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::Full;

    #[tokio::test]
    async fn a_body_over_its_limit_is_refused_and_none_of_it_kept() {
        let small = Full::new(Bytes::from_static(b"Action=ListUsers"));
        assert_eq!(
            read_limited(small, None, 64).await.unwrap(),
            Bytes::from_static(b"Action=ListUsers")
        );
        let large = Full::new(Bytes::from(vec![b'a'; 65]));
        assert_eq!(
            read_limited(large, None, 64).await,
            Err(BodyRefused::TooLarge)
        );
        let declared = Full::new(Bytes::from_static(b"short"));
        assert_eq!(
            read_limited(declared, Some(1 << 30), 64).await,
            Err(BodyRefused::TooLarge),
            "a declared length over the limit is refused whatever arrives"
        );
    }

    #[test]
    fn parameters_are_counted_without_decoding() {
        assert_eq!(parameter_count(b""), 0);
        assert_eq!(parameter_count(b"a=1&b=2&&c"), 3);
        assert_eq!(describe(1 << 20), "1 MiB");
        assert_eq!(describe(4 << 20), "4 MiB");
        assert_eq!(describe(64 << 10), "64 KiB");
    }
}
