//! Password hashing with argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes), stored
//! as a PHC string that carries its own salt and parameters.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// The shortest password accepted.
pub const MIN_LEN: usize = 12;

/// Checks a new password: at least [`MIN_LEN`] characters, not all the same.
pub fn check(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_LEN {
        return Err(format!(
            "la contraseña debe tener al menos {MIN_LEN} caracteres"
        ));
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err("la contraseña no puede repetir un solo carácter".into());
    }
    Ok(())
}

/// Hashes a password (after [`check`]).
pub fn hash(password: &str) -> Result<String, String> {
    check(password)?;
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("no se pudo cifrar la contraseña: {e}"))
}

/// Whether `password` matches the stored PHC string; a malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Verifies against a fixed hash so an unknown user takes as long as a wrong password.
pub fn burn(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("contraseña-de-relleno").unwrap_or_default());
    let _ = verify(password, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash("una contraseña larga").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("una contraseña larga", &h));
        assert!(!verify("otra contraseña larga", &h));
        assert!(!verify("x", "no es un hash"));
        assert!(hash("corta").unwrap_err().contains("12"));
        assert!(hash("aaaaaaaaaaaaaaa").is_err());
    }
}
