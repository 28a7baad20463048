//! The file store (文件存储) for uploaded materials, evidence and documents: each file's bytes
//! are kept once under the data directory by their SHA-256 (`files/ab/abcdef…`, mode 0600), and
//! each upload is a row of `files` naming the object it belongs to (`object_kind`, `object_id`),
//! its media type, size, name and uploader. Type and size are judged on the bytes
//! ([`FileRule::check`]: the first bytes say what a file is, not its name). A file is served only
//! by a route of the module that owns its object, under that object's access rule
//! ([`download`]); there is no static path to the store.

use std::path::{Path, PathBuf};

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::AppResult;
use super::db::Db;
use super::error::AppError;
use crate::with_db;

/// What an upload may be: its largest size, and the media types it may have.
#[derive(Debug, Clone, Copy)]
pub struct FileRule {
    pub max_bytes: usize,
    /// Media types (`application/pdf`…), as sniffed from the bytes.
    pub types: &'static [&'static str],
}

/// Documents and materials: PDF, or a scan as JPEG or PNG, up to 10 MiB each (a scanned
/// multi-page PDF of an invoice list or an agreement fits; the request body limit is above it).
pub const DOCUMENTS: FileRule = FileRule {
    max_bytes: 10 * 1024 * 1024,
    types: &["application/pdf", "image/jpeg", "image/png"],
};

/// Longest file name kept (characters).
pub const MAX_NAME_CHARS: usize = 200;

/// An upload that passed its rule: its bytes, what they are, and their digest.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub media_type: &'static str,
    /// 64 hex digits.
    pub sha256: String,
    pub bytes: Vec<u8>,
}

impl FileRule {
    /// Judges an upload of `field` on its bytes: not empty, at most `max_bytes`, of one of the
    /// allowed types as its first bytes say; the name is kept without any directory part.
    pub fn check(&self, field: &str, name: &str, bytes: Vec<u8>) -> AppResult<Upload> {
        let name = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        if name.is_empty()
            || name.chars().count() > MAX_NAME_CHARS
            || name.chars().any(char::is_control)
        {
            return Err(AppError::invalid(
                field,
                "file.name",
                format!("文件名不能为空，最多 {MAX_NAME_CHARS} 字"),
                format!("The file needs a name of at most {MAX_NAME_CHARS} characters"),
            ));
        }
        if bytes.is_empty() || bytes.len() > self.max_bytes {
            let mib = self.max_bytes / (1024 * 1024);
            return Err(AppError::invalid(
                field,
                "file.size",
                format!("文件“{name}”为空或超过 {mib} MB"),
                format!("The file '{name}' is empty or larger than {mib} MiB"),
            ));
        }
        let sniffed = infer::get(&bytes).map(|t| t.mime_type());
        let Some(media_type) = sniffed.and_then(|m| self.types.iter().find(|t| **t == m)) else {
            return Err(AppError::invalid(
                field,
                "file.type",
                format!("文件“{name}”不是允许的类型（PDF、JPEG 或 PNG）"),
                format!("The file '{name}' is not of an allowed type (PDF, JPEG or PNG)"),
            ));
        };
        Ok(Upload {
            name,
            media_type,
            sha256: digest(&bytes),
            bytes,
        })
    }
}

/// The SHA-256 of bytes, as 64 hex digits (a kept file's name).
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Where the bytes are kept: the data directory's `files/`.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn under(data_dir: &Path) -> FileStore {
        FileStore {
            root: data_dir.join("files"),
        }
    }

    fn path(&self, sha256: &str) -> AppResult<PathBuf> {
        // Only a digest names a path: nothing from outside reaches the file system.
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::Internal(anyhow::anyhow!(
                "not a digest: {sha256}"
            )));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }

    /// Keeps the upload's bytes durably (written aside, synced, then renamed into place, mode
    /// 0600) before any row names them; bytes already kept are not written again.
    pub async fn keep(&self, upload: &Upload) -> AppResult<()> {
        let path = self.path(&upload.sha256)?;
        let self_root = self.root.clone();
        let bytes = upload.bytes.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            if path.exists() {
                return Ok(());
            }
            let dir = path.parent().expect("a digest's directory");
            super::db::private_dir(&self_root)?;
            super::db::private_dir(dir)?;
            let tmp = dir.join(format!(".{}.tmp", Uuid::now_v7().simple()));
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options.open(&tmp)?;
            std::io::Write::write_all(&mut f, &bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            Ok(())
        })
        .await
        .map_err(anyhow::Error::from)?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("keeping a file: {e}")))
    }

    /// The bytes of a kept file, checked against their digest.
    pub async fn read(&self, sha256: &str) -> AppResult<Vec<u8>> {
        let path = self.path(sha256)?;
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("reading {}: {e}", path.display())))?;
        if digest(&bytes) != sha256 {
            return Err(AppError::Internal(anyhow::anyhow!(
                "the kept file {sha256} no longer matches its digest"
            )));
        }
        Ok(bytes)
    }
}

/// A file's row: the upload and the object it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StoredFile {
    pub id: Uuid,
    pub sha256: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub name: String,
    /// The owning module's name of the object kind (`donations.disbursement`).
    pub object_kind: String,
    pub object_id: String,
}

/// A new row of `files`, written in the transaction that records its object.
#[derive(Debug, Clone, Copy)]
pub struct NewFile<'a> {
    pub id: Uuid,
    pub upload: &'a Upload,
    pub object_kind: &'a str,
    pub object_id: &'a str,
    pub uploaded_by: Option<Uuid>,
}

/// Attaching files in a transaction (either backend's), beside the object they belong to, like
/// [`super::journal::Journal::record`].
pub trait Attach {
    fn attach(
        &mut self,
        now: DateTime<Utc>,
        file: &NewFile<'_>,
    ) -> impl std::future::Future<Output = Result<(), sqlx::Error>> + Send;
}

macro_rules! attach_impl {
    ($db:ty) => {
        impl Attach for sqlx::Transaction<'static, $db> {
            async fn attach(&mut self, now: DateTime<Utc>, f: &NewFile<'_>) -> Result<(), sqlx::Error> {
                sqlx::query(
                    "INSERT INTO files (id, sha256, media_type, size_bytes, name, object_kind, object_id, uploaded_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(f.id)
                .bind(&f.upload.sha256)
                .bind(f.upload.media_type)
                .bind(f.upload.bytes.len() as i64)
                .bind(&f.upload.name)
                .bind(f.object_kind)
                .bind(f.object_id)
                .bind(f.uploaded_by)
                .bind(now)
                .execute(&mut **self)
                .await?;
                Ok(())
            }
        }
    };
}
attach_impl!(sqlx::Sqlite);
attach_impl!(sqlx::Postgres);

const COLS: &str = "id, sha256, media_type, size_bytes, name, object_kind, object_id";

/// A file by id, if it belongs to that kind of object.
pub async fn get(db: &Db, id: Uuid, object_kind: &str) -> AppResult<Option<StoredFile>> {
    let sql = format!("SELECT {COLS} FROM files WHERE id = $1 AND object_kind = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, StoredFile>(sqlx::AssertSqlSafe(sql))
        .bind(id).bind(object_kind).fetch_optional(pool).await?),
    )
}

/// The files of one object, oldest first.
pub async fn of_object(db: &Db, object_kind: &str, object_id: &str) -> AppResult<Vec<StoredFile>> {
    let sql = format!(
        "SELECT {COLS} FROM files WHERE object_kind = $1 AND object_id = $2 ORDER BY created_at, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as::<_, StoredFile>(sqlx::AssertSqlSafe(sql))
        .bind(object_kind).bind(object_id).fetch_all(pool).await?),
    )
}

/// The answer that hands a kept file to a reader the owning module has let in: its media type,
/// as an attachment under its name (RFC 6266, with the UTF-8 name of RFC 8187), never cached by
/// shared caches.
pub fn download(file: &StoredFile, bytes: Vec<u8>) -> Response {
    let ascii: String = file
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        rfc8187(&file.name)
    );
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file.media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    resp
}

/// Percent-encodes a name for `filename*` (RFC 8187 attr-char kept as is). Written here: the
/// `url` crate's encoders follow the WHATWG sets, which keep characters RFC 8187 does not.
fn rfc8187(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] =
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

    #[test]
    fn a_file_is_judged_on_its_bytes_not_its_name() {
        let ok = DOCUMENTS
            .check("documents", "发票.pdf", PDF.to_vec())
            .unwrap();
        assert_eq!(ok.media_type, "application/pdf");
        assert_eq!(ok.sha256.len(), 64);
        // A PNG named .pdf is a PNG; an HTML page named .pdf is refused.
        let png = DOCUMENTS
            .check("documents", "scan.pdf", PNG.to_vec())
            .unwrap();
        assert_eq!(png.media_type, "image/png");
        let html = b"<html><script>alert(1)</script></html>".to_vec();
        let e = DOCUMENTS
            .check("documents", "invoice.pdf", html)
            .unwrap_err();
        assert_eq!(e.problem().code, "file.type");
        assert_eq!(e.problem().field.as_deref(), Some("documents"));
    }

    #[test]
    fn size_is_bounded_on_both_sides() {
        let rule = FileRule {
            max_bytes: PDF.len(),
            types: DOCUMENTS.types,
        };
        assert!(rule.check("f", "a.pdf", PDF.to_vec()).is_ok());
        let mut big = PDF.to_vec();
        big.push(b'\n');
        assert_eq!(
            rule.check("f", "a.pdf", big).unwrap_err().problem().code,
            "file.size"
        );
        assert_eq!(
            rule.check("f", "a.pdf", vec![]).unwrap_err().problem().code,
            "file.size"
        );
    }

    #[test]
    fn names_lose_their_directories_and_must_be_plain() {
        let ok = DOCUMENTS
            .check("f", "../../etc/清单.pdf", PDF.to_vec())
            .unwrap();
        assert_eq!(ok.name, "清单.pdf");
        let ok = DOCUMENTS
            .check("f", "C:\\scans\\a.pdf", PDF.to_vec())
            .unwrap();
        assert_eq!(ok.name, "a.pdf");
        for bad in ["", "dir/", "a\u{0}.pdf", &"长".repeat(MAX_NAME_CHARS + 1)] {
            assert_eq!(
                DOCUMENTS
                    .check("f", bad, PDF.to_vec())
                    .unwrap_err()
                    .problem()
                    .code,
                "file.name",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn names_are_encoded_for_the_header() {
        assert_eq!(rfc8187("a b.pdf"), "a%20b.pdf");
        assert_eq!(rfc8187("发票.pdf"), "%E5%8F%91%E7%A5%A8.pdf");
    }

    #[tokio::test]
    async fn kept_bytes_are_read_back_and_checked() {
        let dir = std::env::temp_dir().join(format!("fq-files-{}", Uuid::now_v7().simple()));
        let store = FileStore::under(&dir);
        let up = DOCUMENTS.check("f", "a.pdf", PDF.to_vec()).unwrap();
        store.keep(&up).await.unwrap();
        store.keep(&up).await.unwrap();
        assert_eq!(store.read(&up.sha256).await.unwrap(), PDF);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = dir.join("files").join(&up.sha256[..2]).join(&up.sha256);
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            // Bytes changed on disk are not handed out.
            std::fs::write(&path, b"%PDF-tampered").unwrap();
            assert!(store.read(&up.sha256).await.is_err());
        }
        assert!(store.read("../../etc/passwd").await.is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
