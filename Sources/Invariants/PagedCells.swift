// A small value per id, for every id ever seen (what became of a run; what is left of a thread
// the checker stopped holding), in memory that follows how much those values vary rather than
// how many ids there are: ids are grouped in pages of 4,096, and a page whose cells are all
// final and equal shrinks to that one value. A fresh-thread simulation that succeeds every run
// thus keeps a few bytes per 4,096 runs; a page of mixed fates keeps one cell per id.
//
// The cells of uncollapsed pages live in page-sized chunks of one ``UniqueBuffer``, and the
// page directory is one too: a page held as an Array inside an Array asked the runtime twice
// per write whether each was uniquely referenced (about 60 instructions per event for the
// fates and the evicted threads). A collapsed page's chunk is reused by the next page that
// needs one.

/// Cells of type `Cell` for ids below ``denseLimit`` (0 until written), in pages that collapse
/// to a single value once every cell holds the same final value; ids above go to a dictionary.
///
/// Writes assume ``makeUnique()`` was called since the value was last possibly copied (see
/// ``UniqueBuffer``).
struct PagedCells<Cell: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable {
    private struct Page {
        /// The first cell of its chunk in `chunks`, or -1 while the page is uniform.
        var chunkStart = -1
        var uniform: Cell = 0
        /// Cells holding a final value: once all are, the page may collapse.
        var finalCount = 0
    }

    static var pageBits: Int { 12 }
    static var pageSize: Int { 1 << pageBits }
    /// Ids from here on go to the dictionary, so one huge id cannot allocate a huge directory.
    static var denseLimit: UInt32 { 1 << 24 }

    private var pages = UniqueBuffer<Page>()
    private var chunks = UniqueBuffer<Cell>()
    /// Starts of chunks no page uses (their pages collapsed).
    private var freeChunks = UniqueBuffer<Int>()
    /// Pages holding a chunk.
    private var chunkedPageCount = 0
    private var sparse: [UInt32: Cell] = [:]
    /// Every id from here up reads 0 (none was ever written a non-zero value): a new id, above
    /// all written ones (the usual question when a run or thread is created), is answered
    /// without the page lookup.
    private var unwrittenFrom: UInt64 = 0
    /// The one non-zero value that is not final (a run still tracked): a page holding it
    /// cannot collapse yet.
    private let provisional: Cell

    init(provisional: Cell) {
        self.provisional = provisional
    }

    /// To be called before changes (see ``UniqueBuffer``).
    mutating func makeUnique() {
        pages.makeUnique()
        chunks.makeUnique()
        freeChunks.makeUnique()
    }

    subscript(id: UInt32) -> Cell {
        @inline(__always) get {
            guard UInt64(id) < unwrittenFrom else { return 0 }
            guard id < Self.denseLimit else { return sparse[id] ?? 0 }
            let pageIndex = Int(id) >> Self.pageBits
            guard pageIndex < pages.count else { return 0 }
            let page = pages[pageIndex]
            return page.chunkStart < 0 ? page.uniform : chunks[page.chunkStart + (Int(id) & (Self.pageSize - 1))]
        }
        // Inlined with the page write: a fate per settled run and a cell per evicted thread.
        @inline(__always) set {
            if newValue != 0, UInt64(id) >= unwrittenFrom { unwrittenFrom = UInt64(id) + 1 }
            guard id < Self.denseLimit else {
                sparse[id] = newValue == 0 ? nil : newValue
                return
            }
            let pageIndex = Int(id) >> Self.pageBits
            if pageIndex >= pages.count {
                if newValue == 0 { return }
                while pages.count <= pageIndex { pages.append(Page()) }
            }
            write(newValue, at: Int(id) & (Self.pageSize - 1), inPage: pageIndex)
        }
    }

    @inline(__always) private mutating func write(_ value: Cell, at offset: Int, inPage pageIndex: Int) {
        // The page's fields through one pointer, one bounds check: reading the page and writing
        // it back whole cost a store per field. Taking a chunk and collapsing change other
        // buffers, never the directory, so the pointer stays valid.
        let page = pages.pointer(to: pageIndex)
        if page.pointee.chunkStart < 0 {
            if page.pointee.uniform == value { return }
            giveChunk(toPage: pageIndex)
        }
        let chunkStart = page.pointee.chunkStart
        let cell = chunks.pointer(to: chunkStart + offset)
        let old = cell.pointee
        if old == value { return }
        cell.pointee = value
        let finalCount = page.pointee.finalCount
        let newFinalCount = finalCount + (isFinal(value) ? 1 : 0) - (isFinal(old) ? 1 : 0)
        page.pointee.finalCount = newFinalCount
        // Try to collapse only when the page becomes full, so a full page of mixed values is
        // not rescanned on every later write.
        if newFinalCount == Self.pageSize && finalCount != Self.pageSize { collapseIfUniform(pageIndex) }
    }

    // The two rare steps of a write (once per page each) are calls: inlined, their loops made
    // every write's caller too large to be inlined into its own caller.

    /// Gives the uniform page `pageIndex` a chunk holding its value in every cell.
    @inline(never) private mutating func giveChunk(toPage pageIndex: Int) {
        let start = takeChunk(filledWith: pages[pageIndex].uniform)
        pages[pageIndex].chunkStart = start
        chunkedPageCount += 1
    }

    /// Shrinks the full page `pageIndex` to one value if all its cells hold the same.
    @inline(never) private mutating func collapseIfUniform(_ pageIndex: Int) {
        let chunkStart = pages[pageIndex].chunkStart
        guard isUniform(chunkAt: chunkStart) else { return }
        pages[pageIndex].uniform = chunks[chunkStart]
        freeChunks.append(chunkStart)
        pages[pageIndex].chunkStart = -1
        chunkedPageCount -= 1
    }

    @inline(__always) private func isFinal(_ cell: Cell) -> Bool { cell != 0 && cell != provisional }

    private func isUniform(chunkAt start: Int) -> Bool {
        let first = chunks[start]
        for index in start..<(start + Self.pageSize) where chunks[index] != first { return false }
        return true
    }

    /// A chunk holding `value` in every cell: a freed one, or a new one at the end.
    private mutating func takeChunk(filledWith value: Cell) -> Int {
        if let start = freeChunks.popLast() {
            for index in start..<(start + Self.pageSize) { chunks[index] = value }
            return start
        }
        let start = chunks.count
        chunks.append(repeating: value, count: Self.pageSize)
        return start
    }

    /// Cells stored one per id (uncollapsed pages and the dictionary), for the memory bound.
    var storedCellCount: Int { chunkedPageCount * Self.pageSize + sparse.count }
}
