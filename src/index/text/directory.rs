//! Where tantivy's files are read from: memory-mapped, except the document store.
//!
//! The document store (`*.store`) holds each supplier's profile, compressed in 8 KiB blocks,
//! and is read only to return hits: a few random blocks per query, each decompressed into
//! tantivy's block cache. Mapping it brings nothing (no block is read in place), but every
//! page a hit ever touched stays mapped into the process: after a long run the whole store
//! is counted in its resident memory (190 MB of the 248 MB index at 220,000 suppliers).
//! So the store is read with positioned reads (`pread`), like Elasticsearch's `hybridfs`
//! (mapped term dictionaries, norms and doc values; plain reads for stored fields): its
//! pages stay in the kernel's page cache, shared and reclaimable, not in the process.
//! Everything the query path walks (postings, term dictionaries, fast fields, norms) stays
//! mapped.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::HasLen;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};

/// An [`MmapDirectory`] whose document-store files are read with `pread`.
#[derive(Clone, Debug)]
pub struct HybridDirectory {
    root: PathBuf,
    mmap: MmapDirectory,
}

impl HybridDirectory {
    pub fn open(root: &Path) -> Result<HybridDirectory, OpenDirectoryError> {
        Ok(HybridDirectory {
            root: root.to_path_buf(),
            mmap: MmapDirectory::open(root)?,
        })
    }
}

/// Whether tantivy reads this file with positioned reads rather than a mapping.
fn read_by_pread(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "store")
}

/// A read-only file read with positioned reads.
#[derive(Debug)]
struct PreadFile {
    file: File,
    len: usize,
}

impl HasLen for PreadFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for PreadFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.start > range.end || range.end > self.len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("read {range:?} out of a {} byte file", self.len),
            ));
        }
        let mut buf = vec![0u8; range.len()];
        read_exact_at(&self.file, &mut buf, range.start as u64)?;
        Ok(OwnedBytes::new(buf))
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

impl Directory for HybridDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if !read_by_pread(path) {
            return self.mmap.get_file_handle(path);
        }
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                OpenReadError::FileDoesNotExist(path.to_path_buf())
            } else {
                OpenReadError::wrap_io_error(e, path.to_path_buf())
            }
        })?;
        let len = file
            .metadata()
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?
            .len() as usize;
        Ok(Arc::new(PreadFile { file, len }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mmap.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mmap.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mmap.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mmap.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mmap.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mmap.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mmap.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mmap.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use tantivy::directory::TerminatingWrite;

    #[test]
    fn store_files_are_read_by_pread_and_others_mapped_with_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let d = HybridDirectory::open(dir.path()).unwrap();
        for name in ["a.store", "a.idx"] {
            let mut w = d.open_write(Path::new(name)).unwrap();
            w.write_all(b"0123456789").unwrap();
            w.terminate().unwrap();
            let s = d.open_read(Path::new(name)).unwrap();
            assert_eq!(s.len(), 10);
            assert_eq!(s.slice(2..5).read_bytes().unwrap().as_slice(), b"234");
            assert_eq!(s.read_bytes().unwrap().as_slice(), b"0123456789");
        }
        assert!(read_by_pread(Path::new("x/abc.store")));
        assert!(!read_by_pread(Path::new("abc.idx")));
        assert!(matches!(
            d.get_file_handle(Path::new("missing.store")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
        // An out-of-range read is an error, not a panic.
        let h = d.get_file_handle(Path::new("a.store")).unwrap();
        assert!(h.read_bytes(5..11).is_err());
    }
}
