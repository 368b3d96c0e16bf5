//! One blob holding every file of the index, so the browser fetches (or script-loads) a single
//! file and both engines open exactly the same bytes.
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

/// A segment's word positions file.
const POSITIONS: &str = ".pos";
/// What stands in for a positions file in the main blob.
const STAND_IN: &str = ".pos.standin";

/// A list of named files, as packed.
type Files = Vec<(String, Vec<u8>)>;

/// Splits the positions files off `files`. Each one is replaced by a stand-in holding its data
/// length and its footers, from which [`restore_stand_in`] makes a file of the same length with
/// zeros for data: tantivy reads only the footers when it opens a segment, and the data only for
/// phrase queries, so the main files answer every other query on their own.
pub fn split_positions(files: Files) -> Result<(Files, Files), SearchError> {
    let mut main = Vec::with_capacity(files.len());
    let mut positions = Vec::new();
    for (name, bytes) in files {
        let Some(stem) = name.strip_suffix(POSITIONS) else {
            main.push((name, bytes));
            continue;
        };
        let start = footers_start(&bytes).ok_or_else(|| bad("positions file without footers"))?;
        let mut stand_in = (start as u64).to_le_bytes().to_vec();
        stand_in.extend_from_slice(&bytes[start..]);
        main.push((format!("{stem}{STAND_IN}"), stand_in));
        positions.push((name, bytes));
    }
    Ok((main, positions))
}

/// The positions file `name` stands in for, zeros where its data goes; `None` for other files.
pub fn restore_stand_in(name: &str, bytes: &[u8]) -> Option<Result<(String, Vec<u8>), SearchError>> {
    let stem = name.strip_suffix(STAND_IN)?;
    let restore = || {
        let (len, footers) = bytes.split_first_chunk::<8>().ok_or_else(|| bad("short positions stand-in"))?;
        let len = usize::try_from(u64::from_le_bytes(*len)).map_err(|_| bad("positions stand-in too large"))?;
        let mut file = vec![0u8; len];
        file.extend_from_slice(footers);
        Ok((format!("{stem}{POSITIONS}"), file))
    };
    Some(restore())
}

/// Where the footers of a tantivy file with a composite footer start. The layout, from the
/// end: magic (u32), tantivy footer length (u32), tantivy footer, composite footer length
/// (u32), composite footer; the data comes before.
fn footers_start(file: &[u8]) -> Option<usize> {
    let u32_at = |i: usize| file.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let json_len = u32_at(file.len().checked_sub(8)?)?;
    let composite_len_at = file.len().checked_sub(8 + json_len + 4)?;
    composite_len_at.checked_sub(u32_at(composite_len_at)?)
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
    fn positions_stand_ins_keep_length_and_footers() {
        // Data, composite footer "cf" (len 2), tantivy footer "json" (len 4), magic.
        let mut pos = vec![7u8; 10];
        pos.extend_from_slice(b"cf");
        pos.extend_from_slice(&2u32.to_le_bytes());
        pos.extend_from_slice(b"json");
        pos.extend_from_slice(&4u32.to_le_bytes());
        pos.extend_from_slice(&1337u32.to_le_bytes());
        let files = vec![("s.pos".to_string(), pos.clone()), ("s.idx".to_string(), vec![1])];
        let (main, positions) = split_positions(files).unwrap();
        assert_eq!(positions, [("s.pos".to_string(), pos.clone())]);
        assert_eq!(main[1], ("s.idx".to_string(), vec![1]));
        let (name, restored) = restore_stand_in(&main[0].0, &main[0].1).unwrap().unwrap();
        assert_eq!(name, "s.pos");
        assert_eq!(restored.len(), pos.len());
        assert_eq!(&restored[..10], &[0; 10]);
        assert_eq!(&restored[10..], &pos[10..]);
        assert!(restore_stand_in("s.idx", &[]).is_none());
    }

    #[test]
    fn truncated_blob_is_an_error() {
        let blob = pack(&[("x".to_string(), vec![1; 10])]);
        assert!(unpack(&blob[..blob.len() - 1]).is_err());
        assert!(unpack(b"nope").is_err());
    }
}
