//! Names and forms of the files under `search/`, shared by the build (which writes them) and
//! `rapport search` (which reads them).

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use crate::model::output::OutputFile;

/// Folder of the search files in the output.
pub const DIR: &str = "search";
/// The hot part of the index, loaded first.
pub const HOT_FILE: &str = "hot.bin";
/// The kind indexes (label and root-relative URL), for the "No exact matches" hint of
/// `rapport search`; the browser takes them from the page's navigation.
pub const KINDS_FILE: &str = "kinds.json";
/// Index piece `bytes` as stored: raw DEFLATE at the fastest level. Pieces shrink about threefold
/// (length norms of fields most sections lack, term dictionary blocks), which is what a first
/// query fetches; the browser engine inflates them (miniz_oxide, in the wasm).
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::with_capacity(bytes.len() / 2), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// A stored index piece inflated back.
pub fn inflate(stored: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut out = Vec::with_capacity(stored.len() * 3);
    flate2::read::DeflateDecoder::new(stored).read_to_end(&mut out)?;
    Ok(out)
}

/// Name of index piece `n` (its script copy is this plus `.js`).
pub fn piece_name(n: u32) -> String {
    format!("pieces/{n}.bin")
}

/// Name of pack `g`: stored pieces `g * per_pack ..` end to end, for Range requests over http.
pub fn pack_name(g: usize) -> String {
    format!("packs/{g}.bin")
}

/// Where the browser learns whether there are packs, and where each piece sits in its pack.
pub const PACK_INDEX: &str = "packs/index.bin";

/// The pack index: pieces per pack (u32, little-endian), the build's `version` (u32; pack URLs
/// carry it, so a browser cache never mixes two builds' packs), then each stored piece's length
/// (u16), in order. Only a 0 for pieces per pack when there are no packs (`lens` is `None`), or
/// when a length does not fit (a stored piece is at most a little over its 32 KiB).
pub fn pack_index(per_pack: usize, version: u32, lens: Option<&[usize]>) -> Vec<u8> {
    let fits = |lens: &&[usize]| lens.iter().all(|&l| l <= usize::from(u16::MAX));
    let Some(lens) = lens.filter(fits) else { return 0u32.to_le_bytes().to_vec() };
    let mut out = (per_pack as u32).to_le_bytes().to_vec();
    out.extend(version.to_le_bytes());
    out.extend(lens.iter().flat_map(|&l| (l as u16).to_le_bytes()));
    out
}

/// `search/NAME` with `bytes`.
pub fn file(name: &str, bytes: Vec<u8>) -> OutputFile {
    OutputFile { path: format!("{DIR}/{name}"), bytes }
}

/// Name of text chunk `n` (its file is this plus `.js`).
pub fn chunk_name(n: u64) -> String {
    format!("text/{n}.json")
}

/// Start of a script copy, up to the value.
fn script_head(name: &str) -> String {
    format!(
        "(window.RapportSearchData=window.RapportSearchData||{{}})[{}]=",
        serde_json::to_string(name).unwrap_or_default()
    )
}

/// `search/NAME.js`: sets `RapportSearchData[NAME]` to the JS value (a JSON or string literal)
/// that `value` appends.
pub fn script_file(name: &str, value: impl FnOnce(&mut String)) -> OutputFile {
    let mut js = script_head(name);
    value(&mut js);
    js.push_str(";\n");
    file(&format!("{name}.js"), js.into_bytes())
}

/// Appends `bytes` as a base64 string literal (encoded in place: the index is megabytes).
pub fn base64_literal(bytes: &[u8], out: &mut String) {
    out.push('"');
    BASE64.encode_string(bytes, out);
    out.push('"');
}

/// The value a script copy made by [`script_file`] holds.
pub fn script_value<'a>(name: &str, js: &'a str) -> Option<&'a str> {
    js.strip_prefix(&script_head(name))?.trim_end().strip_suffix(';')
}

/// A kind index to browse when a search finds nothing.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct KindLink {
    pub label: String,
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_inflate_to_what_was_deflated() {
        let piece: Vec<u8> = (0..40_000u32).map(|i| (i % 7) as u8).collect();
        let stored = deflate(&piece);
        assert!(stored.len() < piece.len() / 10);
        assert_eq!(inflate(&stored).unwrap(), piece);
        assert!(inflate(b"not deflate").is_err());
    }

    #[test]
    fn the_pack_index_holds_pieces_per_pack_then_each_stored_length() {
        assert_eq!(pack_index(64, 0x0102_0304, Some(&[3, 300])), [64, 0, 0, 0, 4, 3, 2, 1, 3, 0, 44, 1]);
        // No packs (serve), or a length a u16 cannot hold: pieces per pack 0, and nothing else.
        assert_eq!(pack_index(64, 7, None), [0; 4]);
        assert_eq!(pack_index(64, 7, Some(&[3, 70_000])), [0; 4]);
    }

    #[test]
    fn script_copies_give_their_value_back() {
        let f = script_file("text/3.json", |out| out.push_str(r#"["a \"b\";"]"#));
        assert_eq!(f.path, "search/text/3.json.js");
        let js = String::from_utf8(f.bytes).unwrap();
        assert_eq!(script_value("text/3.json", &js), Some(r#"["a \"b\";"]"#));
        assert_eq!(script_value("text/4.json", &js), None);
    }
}
