//! Files that hold secrets (the master key, the SQLite database) are readable by their owner
//! alone: checked at every start.
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error(
        "{path} can be read or written by other users of this machine (mode {mode:04o}): \
         run `chmod 600 {path}` and start again"
    )]
    NotPrivate { path: PathBuf, mode: u32 },
    #[error("could not check or change the permissions of {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What to do with a file others can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenNotPrivate {
    /// A file the server made itself (in its data directory): make it private, and say so.
    Tighten,
    /// A file someone else put there: refuse to start, saying how to fix it.
    Refuse,
}

/// Checks that `path` (if it exists) has no permission bits for group or others.
pub fn require_private(path: &Path, when_not: WhenNotPrivate) -> Result<(), FileError> {
    let io = |source| FileError::Io {
        path: path.to_owned(),
        source,
    };
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(e)),
    };
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return Ok(());
    }
    match when_not {
        WhenNotPrivate::Refuse => Err(FileError::NotPrivate {
            path: path.to_owned(),
            mode,
        }),
        WhenNotPrivate::Tighten => {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))
                .map_err(io)?;
            tracing::warn!(
                "{} could be read by other users (mode {mode:04o}); made it private (0600)",
                path.display()
            );
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_mode(dir: &Path, mode: u32) -> PathBuf {
        let path = dir.join(format!("file-{mode:o}"));
        std::fs::write(&path, "secret").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    fn mode_of(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_readable_file_is_refused_or_tightened_and_a_private_one_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let private = with_mode(dir.path(), 0o600);
        assert!(require_private(&private, WhenNotPrivate::Refuse).is_ok());
        let open = with_mode(dir.path(), 0o644);
        let refused = require_private(&open, WhenNotPrivate::Refuse).unwrap_err();
        assert!(refused.to_string().contains("chmod 600"), "{refused}");
        assert_eq!(mode_of(&open), 0o644, "a refusal changes nothing");
        require_private(&open, WhenNotPrivate::Tighten).unwrap();
        assert_eq!(mode_of(&open), 0o600);
        assert!(require_private(&dir.path().join("absent"), WhenNotPrivate::Refuse).is_ok());
    }
}
