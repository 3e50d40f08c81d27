namespace DumpScope.Host.Dumps;

/// <summary>
/// A thread-safe LRU cache of page contents keyed by frame number. Sharded by frame so concurrent readers
/// rarely meet on a lock; each shard keeps its pages in one array and an index-linked LRU list, so hits
/// and replacements allocate nothing.
/// </summary>
internal sealed class PageCache
{
    private const int ShardCount = 16;
    private readonly Shard[] _shards;

    public PageCache(int pageSize, int capacityPages)
    {
        // Frames spread unevenly over shards; a quarter of slack keeps a working set of about
        // capacityPages frames resident instead of thrashing the fuller shards.
        int even = (capacityPages + ShardCount - 1) / ShardCount;
        int perShard = Math.Max(1, even + even / 4);
        _shards = new Shard[ShardCount];
        for (int i = 0; i < ShardCount; i++) _shards[i] = new Shard(pageSize, perShard);
    }

    public bool TryCopy(ulong pfn, int offset, Span<byte> destination) => ShardOf(pfn).TryCopy(pfn, offset, destination);

    public void Add(ulong pfn, ReadOnlySpan<byte> page) => ShardOf(pfn).Add(pfn, page);

    /// <summary>True when the frame is cached; does not count as a use (read-ahead asks before reading).</summary>
    public bool Contains(ulong pfn) => ShardOf(pfn).Contains(pfn);

    /// <summary>About how many pages the cache keeps.</summary>
    public int Capacity => _shards.Length * _shards[0].Capacity;

    public void Clear()
    {
        foreach (var s in _shards) s.Clear();
    }

    /// <summary>Fibonacci hashing: neighbouring and strided frames land in different shards.</summary>
    private Shard ShardOf(ulong pfn) => _shards[(int)((pfn * 0x9E3779B97F4A7C15UL) >> 60)];

    private sealed class Shard
    {
        private readonly object _lock = new();
        private readonly int _pageSize;
        private readonly int _capacity;
        private readonly byte[] _data;
        private readonly ulong[] _keys;
        private readonly int[] _prev;
        private readonly int[] _next;
        private readonly Dictionary<ulong, int> _slots;
        private int _count;
        private int _head = -1; // most recently used
        private int _tail = -1; // least recently used

        public Shard(int pageSize, int capacity)
        {
            _pageSize = pageSize;
            _capacity = capacity;
            _data = new byte[(long)pageSize * capacity];
            _keys = new ulong[capacity];
            _prev = new int[capacity];
            _next = new int[capacity];
            _slots = new Dictionary<ulong, int>(capacity);
        }

        public int Capacity => _capacity;

        public bool Contains(ulong pfn)
        {
            lock (_lock) return _slots.ContainsKey(pfn);
        }

        public bool TryCopy(ulong pfn, int offset, Span<byte> destination)
        {
            lock (_lock)
            {
                if (!_slots.TryGetValue(pfn, out int slot)) return false;
                MoveToFront(slot);
                _data.AsSpan(slot * _pageSize + offset, destination.Length).CopyTo(destination);
                return true;
            }
        }

        public void Add(ulong pfn, ReadOnlySpan<byte> page)
        {
            lock (_lock)
            {
                if (_slots.ContainsKey(pfn)) return;
                int slot;
                if (_count < _capacity)
                {
                    slot = _count++;
                }
                else
                {
                    slot = _tail;
                    Unlink(slot);
                    _slots.Remove(_keys[slot]);
                }
                page[.._pageSize].CopyTo(_data.AsSpan(slot * _pageSize, _pageSize));
                _keys[slot] = pfn;
                _slots[pfn] = slot;
                LinkFront(slot);
            }
        }

        public void Clear()
        {
            lock (_lock)
            {
                _slots.Clear();
                _count = 0;
                _head = _tail = -1;
            }
        }

        private void MoveToFront(int slot)
        {
            if (slot == _head) return;
            Unlink(slot);
            LinkFront(slot);
        }

        private void Unlink(int slot)
        {
            int p = _prev[slot], n = _next[slot];
            if (p >= 0) _next[p] = n; else _head = n;
            if (n >= 0) _prev[n] = p; else _tail = p;
        }

        private void LinkFront(int slot)
        {
            _prev[slot] = -1;
            _next[slot] = _head;
            if (_head >= 0) _prev[_head] = slot;
            _head = slot;
            if (_tail < 0) _tail = slot;
        }
    }
}
