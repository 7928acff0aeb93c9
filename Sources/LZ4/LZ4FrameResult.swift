import CLZ4

/// liblz4's frame API signals errors inside `size_t` results; these read them.
enum LZ4FrameResult {
    @inline(__always)
    static func isError(_ result: Int) -> Bool {
        LZ4F_isError(result) != 0
    }

    static func name(_ result: Int) -> String {
        String(cString: LZ4F_getErrorName(result))
    }
}
