//! Embeds the repository's `seeds/` folder so `factdesk ask` works from any
//! directory with no flags: the default corpus travels inside the binary.

use std::io::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_seeds.rs");
    let mut f = std::fs::File::create(out).unwrap();
    writeln!(f, "/// The seed articles: (file name, bytes).").unwrap();
    writeln!(f, "pub static EMBEDDED_SEEDS: &[(&str, &[u8])] = &[").unwrap();
    for p in files {
        println!("cargo:rerun-if-changed={}", p.display());
        let name = p.file_name().unwrap().to_string_lossy();
        writeln!(
            f,
            "    ({:?}, include_bytes!({:?})),",
            name,
            p.display().to_string()
        )
        .unwrap();
    }
    writeln!(f, "];").unwrap();
}
