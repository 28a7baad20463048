//! `FileStore` durability and crash recovery.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use super::leaves;
use crate::{FileStore, Log, LogStore, StoreError, root};

/// A fresh path under the system temp dir, removed on drop.
struct TempPath(PathBuf);

impl TempPath {
    fn new(name: &str) -> Self {
        let p =
            std::env::temp_dir().join(format!("translog-test-{}-{name}.log", std::process::id()));
        let _ = std::fs::remove_file(&p);
        TempPath(p)
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn file_len(p: &TempPath) -> u64 {
    std::fs::metadata(&p.0).unwrap().len()
}

#[test]
fn reopen_restores_size_and_root() {
    let tmp = TempPath::new("reopen");
    let all = leaves(50);
    {
        let mut log = Log::new(FileStore::open(&tmp.0).unwrap());
        for chunk in all.chunks(7) {
            log.append(chunk).unwrap();
        }
    }
    assert_eq!(file_len(&tmp), 50 * 32);
    let log = Log::new(FileStore::open(&tmp.0).unwrap());
    assert_eq!(log.store().discarded_bytes(), 0);
    assert_eq!(log.size().unwrap(), 50);
    for n in [1u64, 31, 32, 50] {
        assert_eq!(log.root(n).unwrap(), root(&all[..n as usize]));
    }
}

#[test]
fn torn_last_record_is_truncated_on_open() {
    let tmp = TempPath::new("torn");
    let all = leaves(37);
    {
        let mut log = Log::new(FileStore::open(&tmp.0).unwrap());
        log.append(&all[..20]).unwrap();
        log.append(&all[20..]).unwrap();
    }
    // Simulate a crash 13 bytes into writing the last record.
    let f = OpenOptions::new().write(true).open(&tmp.0).unwrap();
    f.set_len(36 * 32 + 13).unwrap();
    drop(f);

    let mut log = Log::new(FileStore::open(&tmp.0).unwrap());
    assert_eq!(log.store().discarded_bytes(), 13);
    assert_eq!(log.size().unwrap(), 36);
    assert_eq!(log.root(36).unwrap(), root(&all[..36]));
    assert_eq!(file_len(&tmp), 36 * 32);

    // The log continues cleanly after recovery.
    assert_eq!(log.append(&all[36..]).unwrap(), 36);
    assert_eq!(log.root(37).unwrap(), root(&all));
    drop(log);
    let log = Log::new(FileStore::open(&tmp.0).unwrap());
    assert_eq!(log.root(37).unwrap(), root(&all));
}

#[test]
fn unwritten_zero_tail_is_truncated_on_open() {
    let tmp = TempPath::new("zeros");
    let all = leaves(9);
    Log::new(FileStore::open(&tmp.0).unwrap())
        .append(&all)
        .unwrap();
    // File system allocated space for two and a half records, never wrote it.
    let mut f = OpenOptions::new().append(true).open(&tmp.0).unwrap();
    f.write_all(&[0u8; 80]).unwrap();
    drop(f);

    let log = Log::new(FileStore::open(&tmp.0).unwrap());
    assert_eq!(log.store().discarded_bytes(), 80);
    assert_eq!(log.size().unwrap(), 9);
    assert_eq!(log.root(9).unwrap(), root(&all));
}

#[test]
fn second_writer_is_locked_out() {
    let tmp = TempPath::new("lock");
    let first = FileStore::open(&tmp.0).unwrap();
    assert!(matches!(
        FileStore::open(&tmp.0),
        Err(StoreError::Locked(_))
    ));
    drop(first);
    FileStore::open(&tmp.0).unwrap();
}

#[test]
fn all_zero_leaf_is_refused() {
    let tmp = TempPath::new("zero-leaf");
    let mut store = FileStore::open(&tmp.0).unwrap();
    assert!(matches!(
        store.append(&[[0u8; 32]], &[]),
        Err(StoreError::InvalidAppend(_))
    ));
    assert_eq!(store.size().unwrap(), 0);
    assert_eq!(file_len(&tmp), 0);
}
