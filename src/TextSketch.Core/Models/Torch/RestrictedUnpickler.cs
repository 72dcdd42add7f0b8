using System.Buffers.Binary;
using System.Text;

namespace TextSketch.Core.Models.Torch;

/// <summary>
/// Reads the pickle stream of a PyTorch state_dict (archive/data.pkl) into plain values, interpreting only the
/// opcodes such a stream uses (protocols 2-5: containers, numbers, strings, memo, persistent ids) and only the
/// globals it names (collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_parameter, the typed
/// storage classes). Any other opcode or global is refused with <see cref="TorchCheckpointException.Foreign"/>
/// before anything is built from it; no global is ever resolved to code, so nothing in a file can run.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private static readonly PickleGlobal OrderedDict = new("collections", "OrderedDict");
    private static readonly PickleGlobal RebuildTensor = new("torch._utils", "_rebuild_tensor_v2");
    private static readonly PickleGlobal RebuildParameter = new("torch._utils", "_rebuild_parameter");

    // Opcodes a state_dict never uses, named so that a refusal says what the file asked for.
    private static readonly Dictionary<byte, string> RefusedNames = new()
    {
        [(byte)'i'] = "INST", [(byte)'o'] = "OBJ", [0x81] = "NEWOBJ", [0x92] = "NEWOBJ_EX", [(byte)'P'] = "PERSID",
        [0x82] = "EXT1", [0x83] = "EXT2", [0x84] = "EXT4", [(byte)'I'] = "INT", [(byte)'L'] = "LONG",
        [(byte)'F'] = "FLOAT", [(byte)'S'] = "STRING", [(byte)'V'] = "UNICODE", [(byte)'g'] = "GET", [(byte)'p'] = "PUT",
        [0x8b] = "LONG4", [0x8f] = "EMPTY_SET", [0x90] = "ADDITEMS", [0x91] = "FROZENSET", [0x96] = "BYTEARRAY8",
        [0x97] = "NEXT_BUFFER", [0x98] = "READONLY_BUFFER",
    };

    private readonly byte[] _data;
    private readonly string _source;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private int _pos;

    private RestrictedUnpickler(byte[] data, string source)
    {
        _data = data;
        _source = source;
    }

    /// <summary>The value the stream builds; <paramref name="source"/> only labels errors.</summary>
    public static object? Load(byte[] data, string source)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new RestrictedUnpickler(data, source).Run();
    }

    private object? Run()
    {
        while (true)
        {
            int at = _pos;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    byte protocol = ReadByte();
                    if (protocol is < 2 or > 5)
                    {
                        throw Foreign($"pickle protocol {protocol} (a state_dict is written with protocol 2 to 5)");
                    }

                    break;
                case 0x95: // FRAME: a length hint only
                    Take(8);
                    break;
                case (byte)'.': // STOP
                    if (_stack.Count != 1 || _marks.Count != 0)
                    {
                        throw Corrupt($"the pickle stops at byte {at} with {_stack.Count} values on its stack");
                    }

                    return _stack[0];
                case (byte)'(': // MARK
                    _marks.Add(_stack.Count);
                    break;
                case (byte)'0': // POP
                    Pop();
                    break;
                case (byte)'1': // POP_MARK
                    PopMark();
                    break;
                case (byte)'2': // DUP
                    Push(Peek());
                    break;

                case (byte)'}': // EMPTY_DICT
                    Push(new PickleDict());
                    break;
                case (byte)']': // EMPTY_LIST
                    Push(new List<object?>());
                    break;
                case (byte)')': // EMPTY_TUPLE
                    Push(new PickleTuple([]));
                    break;
                case (byte)'t': // TUPLE
                    Push(new PickleTuple(PopMark()));
                    break;
                case 0x85: // TUPLE1
                case 0x86: // TUPLE2
                case 0x87: // TUPLE3
                    Push(new PickleTuple(PopN(op - 0x84)));
                    break;
                case (byte)'l': // LIST
                    Push(new List<object?>(PopMark()));
                    break;
                case (byte)'d': // DICT
                    Push(SetItems(new PickleDict(), PopMark()));
                    break;
                case (byte)'a': // APPEND
                    object? item = Pop();
                    AsList(Peek()).Add(item);
                    break;
                case (byte)'e': // APPENDS
                    object?[] items = PopMark();
                    AsList(Peek()).AddRange(items);
                    break;
                case (byte)'s': // SETITEM
                    object?[] pair = PopN(2);
                    SetItems(AsDict(Peek()), pair);
                    break;
                case (byte)'u': // SETITEMS
                    object?[] pairs = PopMark();
                    SetItems(AsDict(Peek()), pairs);
                    break;

                case (byte)'N': // NONE
                    Push(null);
                    break;
                case 0x88: // NEWTRUE
                    Push(true);
                    break;
                case 0x89: // NEWFALSE
                    Push(false);
                    break;
                case (byte)'J': // BININT
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4)));
                    break;
                case (byte)'K': // BININT1
                    Push((long)ReadByte());
                    break;
                case (byte)'M': // BININT2
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2)));
                    break;
                case 0x8a: // LONG1: little-endian two's complement of n bytes
                    Push(ReadLong(ReadByte()));
                    break;
                case (byte)'G': // BINFLOAT
                    Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8)));
                    break;

                case (byte)'X': // BINUNICODE
                    Push(Utf8(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    Push(Utf8(Take(ReadByte())));
                    break;
                case 0x8d: // BINUNICODE8
                    Push(Utf8(Take(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8))))));
                    break;
                case (byte)'U': // SHORT_BINSTRING (Python 2 str)
                    Push(Encoding.Latin1.GetString(Take(ReadByte())));
                    break;
                case (byte)'T': // BINSTRING
                    Push(Encoding.Latin1.GetString(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))));
                    break;
                case (byte)'C': // SHORT_BINBYTES
                    Push(Take(ReadByte()).ToArray());
                    break;
                case (byte)'B': // BINBYTES
                    Push(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))).ToArray());
                    break;
                case 0x8e: // BINBYTES8
                    Push(Take(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8)))).ToArray());
                    break;

                case (byte)'q': // BINPUT
                    _memo[ReadByte()] = Peek();
                    break;
                case (byte)'r': // LONG_BINPUT
                    _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek();
                    break;
                case 0x94: // MEMOIZE
                    _memo[_memo.Count] = Peek();
                    break;
                case (byte)'h': // BINGET
                    Push(Recall(ReadByte()));
                    break;
                case (byte)'j': // LONG_BINGET
                    Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))));
                    break;

                case (byte)'c': // GLOBAL "module\nname\n"
                    string module = ReadLine();
                    Push(Global(module, ReadLine()));
                    break;
                case 0x93: // STACK_GLOBAL
                    object?[] names = PopN(2);
                    Push(names is [string m, string n] ? Global(m, n) : throw Corrupt("STACK_GLOBAL without two names"));
                    break;
                case (byte)'R': // REDUCE
                    object? args = Pop();
                    Push(Reduce(Pop(), args as PickleTuple ?? throw Corrupt("REDUCE without an argument tuple")));
                    break;
                case (byte)'b': // BUILD
                    object? state = Pop();
                    Build(Peek(), state);
                    break;
                case (byte)'Q': // BINPERSID
                    Push(Storage(Pop()));
                    break;

                default:
                    string name = RefusedNames.TryGetValue(op, out string? known) ? known : "unknown";
                    throw Foreign($"the opcode 0x{op:x2} ({name}) at byte {at}");
            }
        }
    }

    private PickleGlobal Global(string module, string name)
    {
        var global = new PickleGlobal(module, name);
        bool allowed = global == OrderedDict || global == RebuildTensor || global == RebuildParameter
            || (module == "torch" && TorchDTypes.FromStorageClass(name) is not null);
        return allowed ? global : throw Foreign($"the global '{global}'");
    }

    private object Reduce(object? target, PickleTuple args)
    {
        PickleGlobal? callable = target as PickleGlobal;
        if (callable == OrderedDict && args.Items.Length == 0)
        {
            return new PickleDict();
        }

        if (callable == RebuildTensor && args.Items is [TorchStorageRef storage, long offset, PickleTuple size, PickleTuple stride, bool, ..] && args.Items.Length is 6 or 7)
        {
            long[] shape = Longs(size, "size");
            long[] strides = Longs(stride, "stride");
            return shape.Length == strides.Length
                ? new TorchTensorView(storage, offset, shape, strides)
                : throw Corrupt($"a tensor of rank {shape.Length} has {strides.Length} strides");
        }

        if (callable == RebuildParameter && args.Items is [TorchTensorView data, bool, ..] && args.Items.Length == 3)
        {
            return data;
        }

        throw Foreign($"a call of {callable?.ToString() ?? "something that is not a function"} with {args.Items.Length} arguments");
    }

    // BUILD on an OrderedDict sets its attributes (PyTorch stores the modules' versions in _metadata): not needed.
    private void Build(object? target, object? state)
    {
        if (target is not PickleDict || state is not PickleDict)
        {
            throw Foreign("a BUILD of an object other than an OrderedDict");
        }
    }

    // persistent id ('storage', storage class, key, location, element count) -> a reference to data/<key>.
    private TorchStorageRef Storage(object? pid)
    {
        if (pid is PickleTuple { Items: ["storage", PickleGlobal type, string key, string location, long count] }
            && type.Module == "torch" && TorchDTypes.FromStorageClass(type.Name) is { } dtype && count >= 0)
        {
            return new TorchStorageRef(dtype, key, location, count);
        }

        throw Foreign("a persistent id that is not a tensor storage");
    }

    private long[] Longs(PickleTuple tuple, string what)
    {
        var values = new long[tuple.Items.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = tuple.Items[i] is long v && v >= 0 ? v : throw Corrupt($"a tensor {what} holds {tuple.Items[i] ?? "None"}");
        }

        return values;
    }

    private PickleDict SetItems(PickleDict dict, object?[] flat)
    {
        if (flat.Length % 2 != 0)
        {
            throw Corrupt("a dict is given an odd number of keys and values");
        }

        for (int i = 0; i < flat.Length; i += 2)
        {
            dict.Set(flat[i], flat[i + 1]);
        }

        return dict;
    }

    private List<object?> AsList(object? value) => value as List<object?> ?? throw Corrupt("APPEND to something that is not a list");

    private PickleDict AsDict(object? value) => value as PickleDict ?? throw Corrupt("SETITEM on something that is not a dict");

    private object? Recall(long key) => _memo.TryGetValue(key, out object? value) ? value : throw Corrupt($"memo entry {key} is used before it is set");

    private long ReadLong(int length)
    {
        ReadOnlySpan<byte> bytes = Take(length);
        if (length > 8)
        {
            throw Foreign($"an integer of {length} bytes");
        }

        long value = 0;
        for (int i = length - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        // Sign-extend from the top bit of the last byte.
        return length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0 ? value - (1L << (8 * length)) : value;
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0 || end - _pos > 256)
        {
            throw Corrupt("a GLOBAL name is not terminated");
        }

        string line = Encoding.ASCII.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return line;
    }

    private int Length(ulong length) => length <= (ulong)(_data.Length - _pos) ? (int)length : throw Truncated();

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _pos)
        {
            throw Truncated();
        }

        var span = new ReadOnlySpan<byte>(_data, _pos, count);
        _pos += count;
        return span;
    }

    private byte ReadByte() => _pos < _data.Length ? _data[_pos++] : throw Truncated();

    private string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Corrupt($"a string is not valid UTF-8 ({e.Message})");
        }
    }

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() => _stack.Count > (_marks.Count > 0 ? _marks[^1] : 0) ? _stack[^1] : throw Corrupt("an opcode needs a value on an empty stack");

    private object? Pop()
    {
        object? value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object?[] PopN(int count)
    {
        int floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count - floor < count)
        {
            throw Corrupt($"an opcode needs {count} values on a stack of {_stack.Count - floor}");
        }

        object?[] values = _stack.GetRange(_stack.Count - count, count).ToArray();
        _stack.RemoveRange(_stack.Count - count, count);
        return values;
    }

    private object?[] PopMark()
    {
        if (_marks.Count == 0)
        {
            throw Corrupt("an opcode needs a MARK that was never set");
        }

        int mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        object?[] values = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return values;
    }

    private TorchCheckpointException Truncated() => Corrupt("the pickle stream ends before its STOP opcode");

    private TorchCheckpointException Corrupt(string what) =>
        new(TorchCheckpointException.Corrupt, $"The checkpoint '{_source}' is damaged: {what}.");

    private TorchCheckpointException Foreign(string what) =>
        new(TorchCheckpointException.Foreign,
            $"The checkpoint '{_source}' is not a plain PyTorch state_dict: its pickle asks for {what}, which a state_dict never contains. It was refused; nothing in it was run.");
}
