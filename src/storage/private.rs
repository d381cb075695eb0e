//! Files that hold secrets (the SQLite database with its WAL and shared-memory files, an
//! export): password hashes, token digests and titulars' addresses. On Unix they are
//! created readable and writable by their owner only (0600), whatever the umask.

use std::fs::File;
use std::io;
use std::path::Path;

/// Creates `path` (it must not exist) readable by its owner only.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Makes the SQLite database at `path` private before it is opened: created 0600 if it
/// is missing (SQLite then gives its `-wal` and `-shm` files the same mode), and an
/// existing database or companion readable by others is narrowed to 0600.
pub fn private_database(path: &Path) -> io::Result<()> {
    if !path.exists() {
        match create_private(path) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut files = vec![path.to_path_buf()];
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            files.push(p.into());
        }
        for f in files {
            if let Ok(m) = std::fs::metadata(&f)
                && m.permissions().mode() & 0o077 != 0
            {
                std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    Ok(())
}
