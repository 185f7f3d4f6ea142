import Foundation

/// Timing lines on stderr, switched on by an environment variable: `WINNOW_SCORE_TIMING` for
/// scoring, `WINNOW_IMPORT_TIMING` for imports (for finding where a run's time goes on a busy
/// machine, where wall time alone says little). A line is only built when its log is on.
struct TimingLog: Sendable {
    let enabled: Bool

    static let scoring = TimingLog(variable: "WINNOW_SCORE_TIMING")
    static let importing = TimingLog(variable: "WINNOW_IMPORT_TIMING")

    init(variable: String) {
        enabled = ProcessInfo.processInfo.environment[variable] != nil
    }

    func callAsFunction(_ line: @autoclosure () -> String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("timing: \(line())\n".utf8))
    }
}

/// Wall and CPU time of a phase, for a ``TimingLog``.
struct PhaseClock {
    let wall = Date()
    let cpu = PhaseClock.processCPU()

    func report(_ phase: String, to log: TimingLog = .scoring) {
        log(String(format: "%@: %.2f s wall, %.2f s CPU (all threads), peak RSS so far %@", phase,
                   Date().timeIntervalSince(wall), Self.processCPU() - cpu, Self.peakRSS()))
    }

    /// `VmHWM` of /proc/self/status (Linux), e.g. "312 MB".
    static func peakRSS() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return "unknown" }
        return "\(kilobytes / 1024) MB"
    }

    /// CPU seconds of the calling thread.
    static func threadCPU() -> Double { seconds(CLOCK_THREAD_CPUTIME_ID) }

    /// CPU seconds of the whole process.
    static func processCPU() -> Double { seconds(CLOCK_PROCESS_CPUTIME_ID) }

    private static func seconds(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
