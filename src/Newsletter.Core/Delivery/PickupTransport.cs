using Newsletter.Core.Localization;

namespace Newsletter.Core.Delivery;

/// <summary>
/// Writes each message as an <c>.eml</c> file into <c>&lt;directory&gt;/&lt;batch&gt;/</c>, atomically
/// (temporary file, then rename), so a reader never sees half a message.
/// </summary>
public sealed class PickupTransport(string directory) : IMailTransport
{
    public string Description => Texts.Format("core.transport.pickup", Path.GetFullPath(directory));

    /// <summary>Two: writing files to one disk gains nothing from more writers.</summary>
    public int MaxSessions => 2;

    public IMailSession OpenSession(string batchName, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(directory, batchName);
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DeliveryException(DeliveryFailureKind.Configuration, $"cannot create pickup folder {folder}: {e.Message}", 0, e);
        }
        return new Session(folder);
    }

    private sealed class Session(string folder) : IMailSession
    {
        public string Send(OutgoingMessage message, string fileName, Action? handOver)
        {
            var path = Path.Combine(folder, fileName + ".eml");
            var temporary = path + ".tmp";
            try
            {
                using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
                {
                    stream.Write(message.Data.Span);
                }
                try
                {
                    handOver?.Invoke();   // the rename is what delivers
                }
                catch (Exception e)
                {
                    File.Delete(temporary);   // abandoned: nothing of it is left for a reader
                    throw new DeliveryException(DeliveryFailureKind.Temporary, $"not handed over: {e.Message}", 0, e);
                }
                File.Move(temporary, path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DeliveryException(DeliveryFailureKind.Temporary, $"cannot write {path}: {e.Message}", 0, e);
            }
            return "written " + path;
        }

        public void Dispose()
        {
        }
    }
}
