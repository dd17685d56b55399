#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An operating-system error number, said in plain words ("No such file or directory", "Permission denied").
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: Int32
    public init(_ code: Int32) { self.code = code }
    /// The error of the last failed system call.
    public static var last: SystemError { SystemError(errno) }
    public var description: String { String(cString: strerror(code)) }
}
