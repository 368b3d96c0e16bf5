//! Writing export packages (zip, EPUB, Anki): all or nothing, through a temporary file in the
//! target folder that is renamed over the target only once it is complete.

use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use crate::error::Error;
use crate::model::output::OutputFile;

/// Refuses an output path that is a folder, or whose folder does not exist (usage errors, exit 2).
pub fn check_target(path: &Path) -> Result<(), Error> {
    if path.is_dir() {
        return Err(Error::Usage(format!(
            "{} is a folder; give a file name for the package, e.g. -o {}",
            path.display(),
            path.join("course.zip").display()
        )));
    }
    let parent = folder_of(path);
    if !parent.is_dir() {
        return Err(Error::Usage(format!("{}: the folder {} does not exist", path.display(), parent.display())));
    }
    Ok(())
}

/// The folder a file path sits in (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `path` by calling `fill` on a temporary file beside it, then renaming that over `path`;
/// on any error the temporary file is removed and `path` is left as it was.
pub fn write_atomically(path: &Path, fill: impl FnOnce(&Path) -> Result<(), Error>) -> Result<(), Error> {
    check_target(path)?;
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    let tmp =
        tempfile::Builder::new().prefix(".rapport-export-").suffix(".tmp").tempfile_in(folder_of(path)).map_err(io)?;
    fill(tmp.path())?;
    // A temporary file is private (0600); the package is an ordinary file for others to read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644)).map_err(io)?;
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Writes the files as a zip archive at `path` (atomically). Files named in `stored` come first,
/// uncompressed, in that order (EPUB's `mimetype` must be the first entry, stored).
pub fn write_zip(path: &Path, files: &[OutputFile], stored: &[&str]) -> Result<(), Error> {
    write_atomically(path, |tmp| write_zip_to(tmp, files, stored))
}

/// Writes the files as a zip archive into the file at `path` (not atomically: see [`write_zip`]).
pub fn write_zip_to(path: &Path, files: &[OutputFile], stored: &[&str]) -> Result<(), Error> {
    {
        let io = |source| Error::Io { path: path.to_path_buf(), source };
        let file = std::fs::File::create(path).map_err(io)?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let zerr = |e: zip::result::ZipError| io(std::io::Error::other(e));
        let plain = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        let packed = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for name in stored {
            if let Some(f) = files.iter().find(|f| f.path == *name) {
                zip.start_file(f.path.as_str(), plain).map_err(zerr)?;
                zip.write_all(&f.bytes).map_err(io)?;
            }
        }
        for f in files.iter().filter(|f| !stored.contains(&f.path.as_str())) {
            zip.start_file(f.path.as_str(), packed).map_err(zerr)?;
            zip.write_all(&f.bytes).map_err(io)?;
        }
        let mut out = zip.finish().map_err(zerr)?;
        out.flush().map_err(io)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_refused_and_nothing_is_left_behind() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_zip(dir.path(), &[], &[]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("is a folder"), "{err}");
        let target = dir.path().join("x.zip");
        let failed = write_atomically(&target, |_| Err(Error::Usage("stop".into())));
        assert!(failed.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "a temporary file was left behind");
    }

    #[test]
    fn stored_entries_come_first() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("x.epub");
        let files = vec![
            OutputFile { path: "a.txt".into(), bytes: b"a".to_vec() },
            OutputFile { path: "mimetype".into(), bytes: b"application/epub+zip".to_vec() },
        ];
        write_zip(&target, &files, &["mimetype"]).unwrap();
        let mut z = zip::ZipArchive::new(std::fs::File::open(&target).unwrap()).unwrap();
        let first = z.by_index(0).unwrap();
        assert_eq!(first.name().unwrap(), "mimetype");
        assert_eq!(first.compression(), CompressionMethod::Stored);
    }
}
