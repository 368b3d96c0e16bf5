//! Named byte strings in one blob: the hot part of a split index (manifest, synonyms, hot
//! ranges), fetched or script-loaded as one file.
//!
//! Layout, little-endian: magic, u32 file count, then per file: u32 name length, name (UTF-8),
//! u32 data length, data.

use crate::SearchError;

const MAGIC: &[u8; 8] = b"RPSRCH01";

/// Packs `(name, bytes)` pairs into one blob.
pub fn pack(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let total: usize = files.iter().map(|(n, d)| 8 + n.len() + d.len()).sum();
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(files.len() as u32).to_le_bytes());
    for (name, data) in files {
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
    }
    out
}

/// Splits a blob made by [`pack`] back into its files.
pub fn unpack(blob: &[u8]) -> Result<Vec<(String, &[u8])>, SearchError> {
    let rest = blob.strip_prefix(MAGIC.as_slice()).ok_or_else(|| bad("missing header"))?;
    let mut cur = Cursor { rest };
    let count = cur.u32()?;
    let mut files = Vec::with_capacity(count.min(1024) as usize);
    for _ in 0..count {
        let name_len = cur.u32()? as usize;
        let name = std::str::from_utf8(cur.take(name_len)?).map_err(|_| bad("file name is not UTF-8"))?;
        let len = cur.u32()? as usize;
        files.push((name.to_string(), cur.take(len)?));
    }
    Ok(files)
}

struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SearchError> {
        if self.rest.len() < n {
            return Err(bad("truncated"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, SearchError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

fn bad(why: &str) -> SearchError {
    SearchError::BadPack(why.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let files = vec![("meta.json".to_string(), b"{}".to_vec()), ("a.idx".to_string(), vec![0, 1, 2])];
        let blob = pack(&files);
        let back = unpack(&blob).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[1], ("a.idx".to_string(), &[0u8, 1, 2][..]));
    }

    #[test]
    fn truncated_blob_is_an_error() {
        let blob = pack(&[("x".to_string(), vec![1; 10])]);
        assert!(unpack(&blob[..blob.len() - 1]).is_err());
        assert!(unpack(b"nope").is_err());
    }
}
