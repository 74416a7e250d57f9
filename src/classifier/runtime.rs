//! Finding and loading ONNX Runtime, once per process.
//!
//! ort is built with `load-dynamic`, so the runtime library is opened at run time. Where it is
//! looked for, in order:
//! 1. `ORT_DYLIB_PATH`, when set (an error if it names no file);
//! 2. next to the running executable;
//! 3. where the build script put it (`target/onnxruntime/`), fetched from PyPI at build time.

use ort::environment::Environment;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The ONNX Runtime version this build of ort is tested with.
pub const ORT_VERSION: &str = "1.31.1";

#[cfg(target_os = "linux")]
const LIBRARY_NAMES: [&str; 2] = ["libonnxruntime.so.1.31.1", "libonnxruntime.so"];
#[cfg(target_os = "macos")]
const LIBRARY_NAMES: [&str; 2] = ["libonnxruntime.1.31.1.dylib", "libonnxruntime.dylib"];
#[cfg(target_os = "windows")]
const LIBRARY_NAMES: [&str; 1] = ["onnxruntime.dll"];

const HOW_TO_PROVIDE: &str = "graham needs ONNX Runtime 1.31.1. The build fetches it with \
pip; to provide it yourself run `pip download --no-deps --only-binary=:all: onnxruntime==1.31.1`, \
unzip the wheel and point ORT_DYLIB_PATH at onnxruntime/capi/libonnxruntime.so.1.31.1 \
(or copy that file next to the graham executable)";

#[derive(Debug, Clone, thiserror::Error)]
pub enum RuntimeError {
    #[error("ORT_DYLIB_PATH is set to '{0}', but there is no file there. {HOW_TO_PROVIDE}")]
    EnvPathMissing(PathBuf),
    #[error("ONNX Runtime was not found (looked in: {searched}). {HOW_TO_PROVIDE}")]
    NotFound { searched: String },
    #[error("ONNX Runtime at '{path}' could not be loaded: {reason}. {HOW_TO_PROVIDE}")]
    Load { path: PathBuf, reason: String },
}

/// The process-wide ONNX Runtime environment (ort rc.15 allows only one per process).
pub fn environment() -> Result<&'static Environment, RuntimeError> {
    static ENVIRONMENT: OnceLock<Result<Environment, RuntimeError>> = OnceLock::new();
    ENVIRONMENT.get_or_init(load).as_ref().map_err(Clone::clone)
}

/// Where the runtime library will be loaded from, without loading it.
pub fn locate() -> Result<PathBuf, RuntimeError> {
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(RuntimeError::EnvPathMissing(path))
        };
    }
    let candidates = candidate_dirs()
        .into_iter()
        .flat_map(|dir| LIBRARY_NAMES.iter().map(move |name| dir.join(name)))
        .collect::<Vec<_>>();
    candidates
        .iter()
        .find(|path| path.is_file())
        .cloned()
        .ok_or_else(|| RuntimeError::NotFound {
            searched: candidates
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

fn candidate_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        // Test and bench binaries live one level below the profile directory (deps/).
        if let Some(profile_dir) = exe_dir.parent() {
            dirs.push(exe_dir.clone());
            dirs.push(profile_dir.to_path_buf());
        } else {
            dirs.push(exe_dir);
        }
    }
    if let Some(built) = option_env!("GRAHAM_ORT_DIR") {
        dirs.push(PathBuf::from(built));
    }
    dirs
}

fn load() -> Result<Environment, RuntimeError> {
    let path = locate()?;
    let load_error = |reason: String| RuntimeError::Load {
        path: path.clone(),
        reason,
    };
    ort::init_from(&path)
        .map_err(|e| load_error(e.to_string()))?
        .with_name("graham")
        .build()
        .map_err(|e| load_error(e.to_string()))
}
