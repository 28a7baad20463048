//! Types and pure helpers of the transparency log: the public facts of a leaf, an in-memory
//! snapshot of the few stored hashes a [`translog::Log`] operation needs, and the signing key.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Utc};
use translog::{Hash, LogStore, Node, SigningKey, StoreError};

/// Most entries one `entries` request returns (RFC 6962 §4.6 lets a log bound its pages).
pub const MAX_ENTRIES_PER_PAGE: u64 = 1000;

/// One leaf as written: its hash and the public facts shown beside it. The hash commits to the
/// canonical record and a salt that only the donor holds, so the facts reveal no identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafEntry {
    pub leaf_hash: Hash,
    /// `donation`, `disbursement` (and `synthetic` in tests).
    pub kind: String,
    pub amount_fen: i64,
    /// The fundraising project's public identifier.
    pub project: String,
    pub at: DateTime<Utc>,
}

/// A stored address: level 0 is a leaf, level >= 1 a complete-subtree node.
pub type Addr = (u32, u64);

/// The nodes that appending to a log of `size` leaves reads: the roots of the perfect subtrees
/// the size decomposes into (one per set bit), the left siblings of the first new nodes.
pub fn frontier(size: u64) -> Vec<Addr> {
    (0..64u32)
        .filter(|l| (size >> l) & 1 == 1)
        .map(|l| (l, (size >> l) - 1))
        .collect()
}

/// A [`LogStore`] over the hashes loaded for one operation. In recording mode it answers every
/// complete address with a placeholder and notes the address: [`translog::Log`]'s reads depend
/// only on sizes and indexes, never on hash values, so one dry run names exactly the O(log n)
/// hashes to load before the real run.
#[derive(Debug, Default)]
pub struct Snapshot {
    size: u64,
    known: HashMap<Addr, Hash>,
    recording: Option<RefCell<BTreeSet<Addr>>>,
    appended: Vec<Node>,
    appended_leaves: Vec<Hash>,
}

impl Snapshot {
    /// A snapshot of a log of `size` leaves that knows the hashes in `known`.
    pub fn new(size: u64, known: HashMap<Addr, Hash>) -> Snapshot {
        Snapshot {
            size,
            known,
            ..Snapshot::default()
        }
    }

    /// A dry-run snapshot that records what is read.
    pub fn recorder(size: u64) -> Snapshot {
        Snapshot {
            size,
            recording: Some(RefCell::new(BTreeSet::new())),
            ..Snapshot::default()
        }
    }

    /// The addresses a dry run read.
    pub fn recorded(&self) -> BTreeSet<Addr> {
        self.recording
            .as_ref()
            .map(|r| r.borrow().clone())
            .unwrap_or_default()
    }

    /// Leaves and nodes handed to [`LogStore::append`], to be written to the database.
    pub fn appended(&self) -> (&[Hash], &[Node]) {
        (&self.appended_leaves, &self.appended)
    }

    fn get(&self, level: u32, index: u64) -> Option<Hash> {
        // Only complete subtrees exist.
        let end = index.checked_add(1)?.checked_shl(level)?;
        if end > self.size {
            return None;
        }
        if let Some(r) = &self.recording {
            r.borrow_mut().insert((level, index));
            return Some([0u8; 32]);
        }
        self.known.get(&(level, index)).copied()
    }
}

impl LogStore for Snapshot {
    fn size(&self) -> Result<u64, StoreError> {
        Ok(self.size)
    }

    fn append(&mut self, leaves: &[Hash], nodes: &[Node]) -> Result<u64, StoreError> {
        let first = self.size;
        self.appended_leaves.extend_from_slice(leaves);
        self.appended.extend_from_slice(nodes);
        for (i, h) in leaves.iter().enumerate() {
            self.known.insert((0, first + i as u64), *h);
        }
        for n in nodes {
            self.known.insert((n.level, n.index), n.hash);
        }
        self.size += leaves.len() as u64;
        Ok(first)
    }

    fn leaf(&self, index: u64) -> Result<Option<Hash>, StoreError> {
        Ok(self.get(0, index))
    }

    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError> {
        if level == 0 {
            return Ok(None);
        }
        Ok(self.get(level, index))
    }
}

/// Where the log's signing key lives: `<data_dir>/keys/translog.key` (hex, mode 0600).
pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("keys").join("translog.key")
}

/// The log's Ed25519 signing key, created on first use. Two processes starting at once agree
/// on one key: the new key is written to a private temporary file and linked into place, and
/// the loser of the race reads the winner's key.
pub fn load_or_create_key(data_dir: &Path) -> anyhow::Result<SigningKey> {
    let path = key_path(data_dir);
    if let Ok(text) = std::fs::read_to_string(&path) {
        return parse_key(&path, &text);
    }
    let dir = path.parent().expect("has a parent");
    crate::platform::db::private_dir(dir)?;
    let mut seed = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut seed);
    let tmp = dir.join(format!("translog.key.{}", uuid::Uuid::now_v7().simple()));
    write_private(&tmp, &hex::encode(seed))?;
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(SigningKey::from_bytes(&seed)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            parse_key(&path, &std::fs::read_to_string(&path)?)
        }
        Err(e) => Err(anyhow::anyhow!("{}: {e}", path.display())),
    }
}

fn parse_key(path: &Path, text: &str) -> anyhow::Result<SigningKey> {
    let bytes = hex::decode(text.trim()).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let seed: [u8; 32] = bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("{}: must hold 32 bytes", path.display()))?;
    Ok(SigningKey::from_bytes(&seed))
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
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// The signing key of a data directory, read once per process.
pub fn signing_key(data_dir: &Path) -> anyhow::Result<SigningKey> {
    static KEYS: OnceLock<Mutex<HashMap<PathBuf, SigningKey>>> = OnceLock::new();
    let mut keys = KEYS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(k) = keys.get(data_dir) {
        return Ok(k.clone());
    }
    let key = load_or_create_key(data_dir)?;
    keys.insert(data_dir.to_path_buf(), key.clone());
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use translog::{Log, MemoryStore, leaf_hash};

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    /// Appending through a snapshot that knows only the frontier gives the same nodes and
    /// roots as the crate's in-memory store, for every size.
    #[test]
    fn the_frontier_is_all_an_append_needs() {
        for old in 0..70u64 {
            let all = leaves(old + 3);
            let mut full = Log::new(MemoryStore::new());
            full.append(&all[..old as usize]).unwrap();
            let known = frontier(old)
                .into_iter()
                .map(|(l, i)| {
                    let h = if l == 0 {
                        full.store().leaf(i).unwrap().unwrap()
                    } else {
                        full.store().node(l, i).unwrap().unwrap()
                    };
                    ((l, i), h)
                })
                .collect();
            let mut snap = Log::new(Snapshot::new(old, known));
            assert_eq!(snap.append(&all[old as usize..]).unwrap(), old);
            full.append(&all[old as usize..]).unwrap();
            assert_eq!(snap.root(old + 3).unwrap(), full.root(old + 3).unwrap());
            assert_eq!(snap.store().appended().0, &all[old as usize..]);
        }
    }

    /// A dry run names the hashes a proof needs; with only those, the proof is the same.
    #[test]
    fn a_dry_run_names_what_a_proof_reads() {
        let mut full = Log::new(MemoryStore::new());
        full.append(&leaves(37)).unwrap();
        let dry = Log::new(Snapshot::recorder(37));
        dry.inclusion_proof(5, 29).unwrap();
        let needed = dry.store().recorded();
        assert!(needed.len() <= 12, "{needed:?}");
        let known = needed
            .into_iter()
            .map(|(l, i)| {
                let s = full.store();
                let h = if l == 0 { s.leaf(i) } else { s.node(l, i) };
                ((l, i), h.unwrap().unwrap())
            })
            .collect();
        let real = Log::new(Snapshot::new(37, known));
        assert_eq!(
            real.inclusion_proof(5, 29).unwrap(),
            full.inclusion_proof(5, 29).unwrap()
        );
    }
}
