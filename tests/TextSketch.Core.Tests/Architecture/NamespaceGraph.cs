using System.Reflection;
using System.Reflection.Emit;

namespace TextSketch.Core.Tests.Architecture;

/// <summary>
/// Which namespaces of an assembly use which: every type's base type, interfaces, fields, properties, events, method
/// signatures and generic arguments, and every type, method and field that a method body names (read from its IL),
/// so a fully qualified reference in code counts as much as a <c>using</c>. Nested and compiler-generated types
/// (lambdas, iterators, async state machines) count for the namespace they sit in.
/// </summary>
internal static class NamespaceGraph
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly OpCode[] OneByte = new OpCode[256];
    private static readonly OpCode[] TwoByte = new OpCode[256];

    static NamespaceGraph()
    {
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.GetValue(null) is OpCode code)
            {
                ushort value = (ushort)code.Value;
                if (value < 0x100)
                {
                    OneByte[value] = code;
                }
                else if ((value & 0xFF00) == 0xFE00)
                {
                    TwoByte[value & 0xFF] = code;
                }
            }
        }
    }

    /// <summary>Edges between namespaces of <paramref name="assembly"/>, each mapped through <paramref name="node"/>
    /// (null drops a namespace), with one example type pair per edge for messages.</summary>
    public static Dictionary<(string From, string To), string> Edges(Assembly assembly, Func<string, string?> node)
    {
        var edges = new Dictionary<(string, string), string>();
        foreach (Type type in assembly.GetTypes())
        {
            string? from = NamespaceOf(type) is { } ns ? node(ns) : null;
            if (from is null)
            {
                continue;
            }

            foreach (Type used in References(type))
            {
                if (used.Assembly != assembly || NamespaceOf(used) is not { } usedNamespace || node(usedNamespace) is not { } to || to == from)
                {
                    continue;
                }

                edges.TryAdd((from, to), $"{type.FullName} uses {used.FullName}");
            }
        }

        return edges;
    }

    /// <summary>A cycle in the graph (as a node list, first node repeated at the end), or null when it has none.</summary>
    public static IReadOnlyList<string>? FindCycle(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).Distinct().Order(StringComparer.Ordinal).ToList());
        var state = new Dictionary<string, int>();
        var path = new List<string>();
        foreach (string start in next.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        IReadOnlyList<string>? Visit(string node)
        {
            if (state.TryGetValue(node, out int s))
            {
                if (s == 1)
                {
                    int at = path.IndexOf(node);
                    return [.. path.Skip(at), node];
                }

                return null;
            }

            state[node] = 1;
            path.Add(node);
            foreach (string to in next.GetValueOrDefault(node) ?? [])
            {
                if (Visit(to) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }

    /// <summary>The nodes in an order where every edge points to an earlier node (what depends on nothing first).</summary>
    public static IReadOnlyList<string> Layers(IEnumerable<string> nodes, IEnumerable<(string From, string To)> edges)
    {
        var remaining = nodes.ToHashSet();
        List<(string From, string To)> list = edges.ToList();
        var order = new List<string>();
        while (remaining.Count > 0)
        {
            List<string> free = remaining.Where(n => !list.Any(e => e.From == n && remaining.Contains(e.To))).Order(StringComparer.Ordinal).ToList();
            if (free.Count == 0)
            {
                break;
            }

            order.AddRange(free);
            remaining.ExceptWith(free);
        }

        return order;
    }

    private static string? NamespaceOf(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type.Namespace;
    }

    private static IEnumerable<Type> References(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || !found.Add(t))
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
            }

            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                Add(t.GetGenericTypeDefinition());
                foreach (Type argument in t.GetGenericArguments())
                {
                    Add(argument);
                }
            }
        }

        Add(type.BaseType);
        foreach (Type i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (CustomAttributeData attribute in type.CustomAttributes)
        {
            Add(attribute.AttributeType);
        }

        foreach (FieldInfo field in type.GetFields(Everything))
        {
            Add(field.FieldType);
        }

        foreach (PropertyInfo property in type.GetProperties(Everything))
        {
            Add(property.PropertyType);
        }

        foreach (EventInfo e in type.GetEvents(Everything))
        {
            Add(e.EventHandlerType);
        }

        var methods = type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything));
        foreach (MethodBase method in methods)
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
            }

            foreach (ParameterInfo parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            foreach (Type local in method.GetMethodBody()?.LocalVariables.Select(l => l.LocalType) ?? [])
            {
                Add(local);
            }

            foreach (Type used in BodyReferences(method))
            {
                Add(used);
            }
        }

        return found;
    }

    /// <summary>Types named by the method's IL: type tokens, and the declaring types of called methods and used fields.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int position = 0;
        while (position < il.Length)
        {
            OpCode code = il[position] == 0xFE ? TwoByte[il[++position]] : OneByte[il[position]];
            position++;
            int operandSize = code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, position),
                _ => 4,
            };

            if (code.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType)
            {
                int token = BitConverter.ToInt32(il, position);
                MemberInfo? member = null;
                try
                {
                    member = method.Module.ResolveMember(token, typeArguments, methodArguments);
                }
                catch (ArgumentException)
                {
                }

                switch (member)
                {
                    case Type t:
                        yield return t;
                        break;
                    case MethodBase called:
                        if (called.DeclaringType is { } owner)
                        {
                            yield return owner;
                        }

                        if (called is MethodInfo { IsGenericMethod: true } generic)
                        {
                            foreach (Type argument in generic.GetGenericArguments())
                            {
                                yield return argument;
                            }
                        }

                        break;
                    case FieldInfo field:
                        if (field.DeclaringType is { } fieldOwner)
                        {
                            yield return fieldOwner;
                        }

                        yield return field.FieldType;
                        break;
                }
            }

            position += operandSize;
        }
    }
}
