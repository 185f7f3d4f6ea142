import Foundation

/// The build's version, printed by `winnow --version` and written into export manifests.
public enum WinnowVersion {
    public static let string = "0.1.0"
}

/// Who is at the keyboard.
public enum Reviewer {
    /// `$WINNOW_REVIEWER`, else the login name, else `$USER`, else "reviewer".
    public static func defaultName(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let name = environment["WINNOW_REVIEWER"], !name.isEmpty { return name }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            let login = String(cString: name)
            if !login.isEmpty { return login }
        }
        if let user = environment["USER"], !user.isEmpty { return user }
        return "reviewer"
    }
}

/// 1234567 → "1,234,567".
public func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return value < 0 ? "-" + out : out
}
