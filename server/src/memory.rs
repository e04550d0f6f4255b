//! Keeps the allocator from holding on to memory the server has finished with.
//!
//! glibc serves a block at or above its mmap threshold with its own mapping, returned
//! to the system when freed, but it raises that threshold to the size of the largest
//! such block freed, up to 32 MiB. After the first Argon2id hash (19 MiB, made at start
//! to warm up) every later one came from the heap and stayed resident when freed, and
//! the server sat at about 66 MiB instead of about 24 (`scripts/bench.sh`, README,
//! Benchmark). Fixing the thresholds turns that adjustment off.

/// Blocks from this size up get their own mapping; free space above this at the top of
/// the heap goes back to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const THRESHOLD_BYTES: libc::c_int = 256 * 1024;

/// Call first in `main`, before any other thread starts.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it is called before any other
    // thread exists, and a refusal (a zero return) leaves glibc's defaults in place.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD_BYTES);
        libc::mallopt(libc::M_TRIM_THRESHOLD, THRESHOLD_BYTES);
    }
}
