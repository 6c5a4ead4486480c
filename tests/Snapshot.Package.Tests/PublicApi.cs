using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Snapshot.Package.Tests;

/// <summary>
/// The public API of assemblies as sorted text, one type or member a line, in a C#-like notation:
/// what the approved file holds and what a reviewer reads in its diff.
/// </summary>
internal static class PublicApi
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<Type, string> s_keywords = new()
    {
        [typeof(void)] = "void", [typeof(object)] = "object", [typeof(string)] = "string", [typeof(bool)] = "bool",
        [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte", [typeof(short)] = "short", [typeof(ushort)] = "ushort",
        [typeof(int)] = "int", [typeof(uint)] = "uint", [typeof(long)] = "long", [typeof(ulong)] = "ulong",
        [typeof(float)] = "float", [typeof(double)] = "double", [typeof(decimal)] = "decimal", [typeof(char)] = "char",
        [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
    };

    private static readonly NullabilityInfoContext s_nullability = new();

    public static string Describe(params Assembly[] assemblies)
    {
        var sb = new StringBuilder();
        foreach (var assembly in assemblies.OrderBy(a => a.GetName().Name, StringComparer.Ordinal))
        {
            sb.Append("assembly ").Append(assembly.GetName().Name).Append('\n');
            foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
            {
                sb.Append(DescribeType(type)).Append('\n');
                // By name, then signature: overloads stay together, constructors first.
                foreach (var (_, text) in Members(type).OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Text, StringComparer.Ordinal))
                    sb.Append("    ").Append(text).Append('\n');
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static bool Visible(MethodBase? m) => m is not null && (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly);

    private static string Access(MethodBase m) => m.IsPublic ? "public " : "protected ";

    private static string DescribeType(Type t)
    {
        var kind = t switch
        {
            { IsEnum: true } => "enum",
            { IsInterface: true } => "interface",
            _ when typeof(Delegate).IsAssignableFrom(t) => "delegate",
            { IsValueType: true } => (t.IsDefined(typeof(IsReadOnlyAttribute)) ? "readonly " : string.Empty) + (IsRecord(t) ? "record struct" : "struct"),
            { IsAbstract: true, IsSealed: true } => "static class",
            _ => (t.IsAbstract ? "abstract " : t.IsSealed ? "sealed " : string.Empty) + (IsRecord(t) ? "record" : "class"),
        };
        var bases = new List<string>();
        if (t.IsEnum)
            bases.Add(Name(Enum.GetUnderlyingType(t)));
        else if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && !typeof(Delegate).IsAssignableFrom(t))
            bases.Add(Name(b));
        if (!t.IsEnum && !typeof(Delegate).IsAssignableFrom(t))
            bases.AddRange(t.GetInterfaces().Select(Name).Order(StringComparer.Ordinal));
        var attributes = t.IsEnum && t.IsDefined(typeof(FlagsAttribute)) ? "[Flags] " : string.Empty;
        return $"{attributes}public {kind} {t.Namespace}.{Name(t)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty)}";
    }

    private static bool IsRecord(Type t) => t.GetMethod("<Clone>$") is not null
        || (t.IsValueType && t.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is not null);

    private static IEnumerable<(string Name, string Text)> Members(Type t)
    {
        if (t.IsEnum)
        {
            foreach (var f in t.GetFields(BindingFlags.Public | BindingFlags.Static))
                yield return (string.Empty, $"{f.Name} = {Convert.ToString(f.GetRawConstantValue(), CultureInfo.InvariantCulture)}");
            yield break;
        }
        foreach (var c in t.GetConstructors(Declared).Where(Visible))
            yield return (string.Empty, $"{Access(c)}ctor({Parameters(c)})");
        foreach (var m in t.GetMethods(Declared).Where(m => Visible(m) && !m.IsSpecialName && !m.Name.Contains('<', StringComparison.Ordinal)))
            yield return (m.Name, $"{Access(m)}{Modifiers(m)}{Returned(m)} {m.Name}{GenericArguments(m)}({Parameters(m)})");
        foreach (var p in t.GetProperties(Declared))
        {
            var get = p.GetMethod is { } g && Visible(g) ? g : null;
            var set = p.SetMethod is { } s && Visible(s) ? s : null;
            if (get is null && set is null)
                continue;
            var any = (get ?? set)!;
            var init = set is not null && set.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));
            var indexer = p.GetIndexParameters() is { Length: > 0 } ip ? $"this[{string.Join(", ", ip.Select(Parameter))}]" : p.Name;
            var required = p.IsDefined(typeof(RequiredMemberAttribute)) ? "required " : string.Empty;
            yield return (p.Name, $"{Access(any)}{required}{Modifiers(any)}{Nullable(p.PropertyType, s_nullability.Create(p).ReadState)} {indexer} {{ {(get is null ? string.Empty : "get; ")}{(set is null ? string.Empty : init ? "init; " : "set; ")}}}");
        }
        foreach (var f in t.GetFields(Declared).Where(f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly))
        {
            var prefix = f.IsLiteral ? "const " : (f.IsStatic ? "static " : string.Empty) + (f.IsInitOnly ? "readonly " : string.Empty);
            var value = f.IsLiteral ? " = " + Value(f.GetRawConstantValue()) : string.Empty;
            yield return (f.Name, $"{(f.IsPublic ? "public " : "protected ")}{prefix}{Nullable(f.FieldType, s_nullability.Create(f).ReadState)} {f.Name}{value}");
        }
        foreach (var e in t.GetEvents(Declared).Where(e => Visible(e.AddMethod)))
            yield return (e.Name, $"{Access(e.AddMethod!)}{Modifiers(e.AddMethod!)}event {Nullable(e.EventHandlerType!, s_nullability.Create(e).ReadState)} {e.Name}");
    }

    private static string Modifiers(MethodInfo m)
    {
        if (m.IsStatic)
            return "static ";
        if (m.DeclaringType!.IsInterface)
            return string.Empty;
        if (m.IsAbstract)
            return "abstract ";
        if (m.IsVirtual && !m.IsFinal)
            return m.GetBaseDefinition() != m ? "override " : "virtual ";
        return m.IsVirtual && m.GetBaseDefinition() != m ? "sealed override " : string.Empty;
    }

    private static string Returned(MethodInfo m) => Nullable(m.ReturnType, s_nullability.Create(m.ReturnParameter).ReadState);

    private static string GenericArguments(MethodInfo m) =>
        m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(Parameter));

    private static string Parameter(ParameterInfo p)
    {
        var type = p.ParameterType;
        var prefix = string.Empty;
        if (type.IsByRef)
        {
            prefix = p.IsOut ? "out " : p.IsIn ? "in " : "ref ";
            type = type.GetElementType()!;
        }
        else if (p.IsDefined(typeof(ParamArrayAttribute)))
        {
            prefix = "params ";
        }
        var state = s_nullability.Create(p);
        var nullable = Nullable(type, p.IsOut ? state.WriteState : state.ReadState);
        var defaultValue = p.HasDefaultValue ? " = " + Value(p.RawDefaultValue, type) : string.Empty;
        return $"{prefix}{nullable} {p.Name}{defaultValue}";
    }

    private static string Nullable(Type type, NullabilityState state) =>
        Name(type) + (state == NullabilityState.Nullable && !type.IsValueType ? "?" : string.Empty);

    private static string Value(object? value, Type? type = null) => value switch
    {
        null => type is { IsValueType: true } && System.Nullable.GetUnderlyingType(type) is null ? "default" : "null",
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        _ when type is { IsEnum: true } => Enum.ToObject(type, value).ToString() is var n && !char.IsDigit(n![0]) && n[0] != '-' ? $"{Name(type)}.{n.Replace(", ", $" | {Name(type)}.", StringComparison.Ordinal)}" : $"({Name(type)}){value}",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    /// <summary>A type as C# spells it: keywords, generic arguments, nested types as Outer.Inner, no namespaces.</summary>
    public static string Name(Type t)
    {
        if (s_keywords.TryGetValue(t, out var keyword))
            return keyword;
        if (t.IsArray)
            return Name(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (t.IsPointer)
            return Name(t.GetElementType()!) + "*";
        if (t.IsGenericParameter)
            return t.Name;
        if (System.Nullable.GetUnderlyingType(t) is { } underlying)
            return Name(underlying) + "?";
        var name = t.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
            name = name[..tick];
        var args = t.IsGenericType ? t.GetGenericArguments() : [];
        var outer = t.IsNested ? Name(t.DeclaringType!) + "." : string.Empty;
        // Nested generic types repeat the outer type's arguments; show only their own.
        var own = t.IsNested && t.DeclaringType!.IsGenericType ? args.Skip(t.DeclaringType.GetGenericArguments().Length).ToArray() : args;
        return outer + name + (own.Length > 0 ? "<" + string.Join(", ", own.Select(Name)) + ">" : string.Empty);
    }
}
