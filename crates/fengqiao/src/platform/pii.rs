//! Personal data (个人信息: identity numbers, phones, residents' addresses) at rest: encrypted
//! with ChaCha20-Poly1305, found again through a keyed hash (blind index), shown masked. Every
//! unmasked view goes through [`reveal`], which writes an audit row.
//!
//! The key is 32 bytes: `FENGQIAO_PII_KEY` (hex) when several servers share one database,
//! else `keys/pii.key` in the data directory, created on first start with mode 0600.

use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The cipher and blind-index key for personal data.
#[derive(Clone)]
pub struct PiiCipher {
    cipher: ChaCha20Poly1305,
    index_key: [u8; 32],
}

impl std::fmt::Debug for PiiCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PiiCipher(…)")
    }
}

impl PiiCipher {
    pub fn from_key(key: [u8; 32]) -> PiiCipher {
        // The blind-index key is derived, so one secret serves both and neither reveals the other.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("any key length");
        mac.update(b"fengqiao blind index v1");
        let index_key: [u8; 32] = mac.finalize().into_bytes().into();
        PiiCipher {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
            index_key,
        }
    }

    /// A fresh random key (tests, or a new data directory).
    pub fn random() -> PiiCipher {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        PiiCipher::from_key(key)
    }

    /// Loads the key from `FENGQIAO_PII_KEY` or the data directory, creating it there if absent.
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<PiiCipher> {
        if let Ok(hex_key) = std::env::var("FENGQIAO_PII_KEY") {
            let bytes = hex::decode(hex_key.trim())
                .map_err(|e| anyhow::anyhow!("FENGQIAO_PII_KEY is not hex: {e}"))?;
            let key: [u8; 32] = bytes.try_into().map_err(|_| {
                anyhow::anyhow!("FENGQIAO_PII_KEY must be 32 bytes (64 hex digits)")
            })?;
            return Ok(PiiCipher::from_key(key));
        }
        let path = data_dir.join("keys").join("pii.key");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let bytes =
                hex::decode(text.trim()).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let key: [u8; 32] = bytes
                .try_into()
                .map_err(|_| anyhow::anyhow!("{}: must hold 32 bytes", path.display()))?;
            return Ok(PiiCipher::from_key(key));
        }
        super::db::private_dir(path.parent().expect("has parent"))?;
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        write_private(&path, &hex::encode(key))?;
        Ok(PiiCipher::from_key(key))
    }

    /// Nonce (12 bytes) followed by the ciphertext and tag.
    pub fn encrypt(&self, plaintext: &str) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let mut out = nonce.to_vec();
        out.extend(
            self.cipher
                .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
                .expect("encryption of a bounded string"),
        );
        out
    }

    pub fn decrypt(&self, sealed: &[u8]) -> anyhow::Result<String> {
        if sealed.len() < 12 + 16 {
            anyhow::bail!("sealed personal data is too short");
        }
        let (nonce, body) = sealed.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|_| anyhow::anyhow!("personal data does not decrypt with this key"))?;
        Ok(String::from_utf8(plain)?)
    }

    /// The keyed hash under which a value is looked up (equal inputs, equal hashes; without the
    /// key, no dictionary of identity numbers can be matched against the table).
    pub fn blind_index(&self, value: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.index_key).expect("any key length");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// Masks a phone number: 138****5678.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let keep_end = 4;
    let keep_start = 3;
    let stars = chars.len() - keep_start - keep_end;
    format!(
        "{}{}{}",
        chars[..keep_start].iter().collect::<String>(),
        "*".repeat(stars),
        chars[chars.len() - keep_end..].iter().collect::<String>()
    )
}

/// Whose personal data is being viewed, for the audit row.
#[derive(Debug, Clone, Copy)]
pub struct PiiSubject<'a> {
    pub object_kind: &'a str,
    pub object_id: &'a str,
    pub region_code: Option<&'a str>,
}

/// Decrypts a value for an actor whose role needs it. The view itself is the event: it writes
/// an audit row (`pii.reveal`) before the plaintext is returned.
pub async fn reveal(
    state: &super::AppState,
    actor: &super::auth::Actor,
    subject: PiiSubject<'_>,
    sealed: &[u8],
) -> super::AppResult<String> {
    use super::journal::{Change, Journal};
    let plain = state.pii.decrypt(sealed)?;
    let now = state.clock.now();
    crate::with_tx!(&state.db, tx => {
        tx.record(now, &Change {
            actor,
            action: "pii.reveal",
            object_kind: subject.object_kind,
            object_id: subject.object_id.to_string(),
            region_code: subject.region_code.map(str::to_owned),
            before: None,
            after: None,
        }).await?;
    });
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_opens_only_with_its_key_and_never_shows_the_plaintext() {
        let c = PiiCipher::random();
        let id = "330199200001019994";
        let sealed = c.encrypt(id);
        assert!(!sealed.windows(id.len()).any(|w| w == id.as_bytes()));
        assert_eq!(c.decrypt(&sealed).unwrap(), id);
        // Two encryptions differ (random nonce), the blind index does not.
        assert_ne!(c.encrypt(id), sealed);
        assert_eq!(c.blind_index(id), c.blind_index(id));
        assert_ne!(c.blind_index(id), c.blind_index("330199200001019986"));
        let other = PiiCipher::random();
        assert!(other.decrypt(&sealed).is_err());
        assert_ne!(other.blind_index(id), c.blind_index(id));
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(c.decrypt(&tampered).is_err());
        assert!(c.decrypt(&sealed[..10]).is_err());
    }

    #[test]
    fn the_key_file_is_created_once_and_reused() {
        let dir = std::env::temp_dir().join(format!("fq-pii-{}", uuid::Uuid::now_v7()));
        let a = PiiCipher::load_or_create(&dir).unwrap();
        let b = PiiCipher::load_or_create(&dir).unwrap();
        assert_eq!(b.decrypt(&a.encrypt("x")).unwrap(), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("keys/pii.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn phones_are_masked_in_the_middle() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("12345"), "*****");
    }
}
