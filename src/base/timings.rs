//! Phase timings and memory readings for `bulletin build --timings`.

/// How long each phase of a build took, in order (`bulletin build --timings`).
#[derive(Clone, Debug, Default)]
pub struct Timings {
    /// (phase, duration).
    pub phases: Vec<(&'static str, std::time::Duration)>,
    /// The process's resident memory at the end of each phase, in bytes, where the system
    /// tells it (Linux): shows which phase holds what.
    pub resident: Vec<Option<u64>>,
    /// The process's peak resident memory so far at the end of each phase, in bytes (Linux):
    /// the phase where it grows is the one that sets the peak.
    pub peak: Vec<Option<u64>>,
    last: Option<std::time::Instant>,
}

impl Timings {
    /// Starts timing.
    pub fn start() -> Self {
        Timings {
            phases: Vec::new(),
            resident: Vec::new(),
            peak: Vec::new(),
            last: Some(std::time::Instant::now()),
        }
    }

    /// Records the time since the previous lap under `phase`.
    pub fn lap(&mut self, phase: &'static str) {
        let now = std::time::Instant::now();
        if let Some(last) = self.last.replace(now) {
            self.phases.push((phase, now - last));
            self.resident.push(resident_bytes());
            self.peak.push(peak_bytes());
        }
    }
}

/// Resident memory of this process (Linux `/proc/self/statm`, in pages of 4 KiB).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Peak resident memory of this process (Linux `/proc/self/status`, `VmHWM` in KiB).
fn peak_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
