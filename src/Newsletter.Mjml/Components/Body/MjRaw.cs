using System.Text;
using Newsletter.Mjml.Rendering;

namespace Newsletter.Mjml.Components.Body;

/// <summary>mj-raw: markup copied to the output as is (source comments become mj-raw too).</summary>
internal sealed class MjRaw : BodyComponent
{
    public static readonly ComponentSpec Definition = new("mj-raw", ["position", "enum(file-start)"], [])
    {
        EndingTag = true,
        RawElement = true,
        CreateBody = init => new MjRaw(init),
        HandleHead = static (node, session) => session.Global.HeadRaw.Add(node.Content is { } c ? c.Trim() : ""),
    };

    private MjRaw(in ComponentInit init)
        : base(init)
    {
    }

    public override void Render(StringBuilder sb) => sb.Append(Content);
}
