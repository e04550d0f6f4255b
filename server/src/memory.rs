//! The allocator, and how soon it gives freed memory back.
//!
//! mimalloc serves the server's many small, short-lived blocks (a page of tasks is
//! hundreds of strings) for about a quarter less CPU per list request than glibc's
//! malloc (`scripts/bench.sh`, README, Benchmark). By default it keeps freed memory for a
//! second, and a sign-up's 19 MiB Argon2id blocks, freed on many threads, stayed
//! resident: 167 MiB under the list load instead of about 25. Purging at once, and
//! committing arena memory only as it is used, keep it at about 25 MiB. The second is
//! compiled in (`.cargo/config.toml`): mimalloc makes its first arena before `main`.

#[cfg(test)]
use libmimalloc_sys::mi_option_get;
use libmimalloc_sys::{mi_option_set, mi_option_t};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Options by number: the bindings name only mimalloc v2's; these are v3's, the bundled
// one (`include/mimalloc.h`).
#[cfg(test)]
const MI_OPTION_ARENA_EAGER_COMMIT: mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: mi_option_t = 15;

/// Call first in `main`. Environment variables (`MIMALLOC_PURGE_DELAY`, …) are read
/// before it and are overridden here.
pub fn return_freed_memory() {
    // SAFETY: mi_option_set only stores an option value, read by mimalloc at each
    // purge; any value is valid.
    unsafe {
        mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
}

#[cfg(test)]
fn option(option: mi_option_t) -> std::ffi::c_long {
    // SAFETY: reads an option value; no other effect.
    unsafe { mi_option_get(option) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_memory_is_purged_at_once() {
        // purge_delay's documented default tells that the number names that option (a
        // set and a get of a wrong number would agree with each other).
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(option(MI_OPTION_PURGE_DELAY), 1000, "purge_delay's default");
        }
        return_freed_memory();
        assert_eq!(option(MI_OPTION_PURGE_DELAY), 0);
    }

    #[test]
    fn arena_memory_is_committed_as_it_is_used() {
        if std::env::var_os("MIMALLOC_ARENA_EAGER_COMMIT").is_none() {
            assert_eq!(
                option(MI_OPTION_ARENA_EAGER_COMMIT),
                0,
                "mimalloc was built without .cargo/config.toml's CFLAGS (is CFLAGS set?)"
            );
        }
    }
}
