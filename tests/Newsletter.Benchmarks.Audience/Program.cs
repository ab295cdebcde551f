using System.Diagnostics;
using System.Globalization;
using System.Text;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;
using Newsletter.Data;
using Newsletter.Data.Audience;

// The audience scale benchmark, one phase per process so each phase's peak RSS is its own (run.sh runs them all):
//   generate <file.csv> <count>   synthetic subscribers as the importer reads them
//   import   <file.csv> <db>      SubscriberImporter into a fresh database
//   query    <db>                 counts per segment, then streaming the active subscribers of two segments
// <db> is a SQLite file, or a PostgreSQL connection string (anything holding '=').
// Each phase prints "key=value" lines that run.sh collects. Two diagnostic phases split the import's cost:
//   parse <file.csv>              CSV reading, then validation and mapping, without a database
//   store <file.csv> <db>         the store's import session alone, rows already parsed
return args switch
{
    ["generate", var path, var count] => Generate(path, int.Parse(count, CultureInfo.InvariantCulture)),
    ["import", var path, var db] => await Import(path, db),
    ["query", var db] => await Query(db),
    ["parse", var path] => Parse(path),
    ["store", var path, var db] => await StoreOnly(path, db),
    _ => Usage(),
};

static int Parse(string path)
{
    var w = Stopwatch.StartNew();
    var rows = CsvTableReader.Read(path, CsvTableReader.DetectEncoding(path, null)).Skip(1).ToList();
    Console.WriteLine($"parse_seconds={w.Elapsed.TotalSeconds:F2} cpu={Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F2}");
    w.Restart();
    var known = Segments.BuiltIn;
    var validator = new ImportRowValidator(known);
    var valid = 0;
    foreach (var r in rows)
    {
        var row = new ImportRow(r.Line, r.Cells[1], r.Cells[0], r.Cells[2], r.Cells[3], r.Cells[4], r.Cells[5], r.Cells[6], null, null);
        if (validator.Validate(row).IsValid) valid++;
        SubscriberImporter.ToDraft(row, known, null, "x");
    }
    Console.WriteLine($"validate_seconds={w.Elapsed.TotalSeconds:F2} valid={valid} cpu={Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F2}");
    var c0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    foreach (var r in rows) EmailAddress.TryNormalize(r.Cells[1], out _, out _);
    var c1 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    foreach (var r in rows) validator.Validate(new ImportRow(r.Line, r.Cells[1], r.Cells[0], r.Cells[2], r.Cells[3], r.Cells[4], r.Cells[5], r.Cells[6], null, null));
    var c2 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    foreach (var r in rows) SubscriberImporter.ToDraft(new ImportRow(r.Line, r.Cells[1], r.Cells[0], r.Cells[2], r.Cells[3], r.Cells[4], r.Cells[5], r.Cells[6], null, null), known, null, "x");
    var c3 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    Console.WriteLine($"email={c1-c0:F2} validate={c2-c1:F2} draft={c3-c2:F2}");
    return 0;
}

static async Task<int> StoreOnly(string path, string db)
{
    var rows = CsvTableReader.Read(path, CsvTableReader.DetectEncoding(path, null)).Skip(1)
        .Select(r => SubscriberImporter.ToDraft(new ImportRow(r.Line, r.Cells[1], r.Cells[0], r.Cells[2], r.Cells[3], r.Cells[4], r.Cells[5], r.Cells[6], null, null), Segments.BuiltIn, null, "x")).ToList();
    await using var database = new NewsletterDatabase(Options(db));
    await database.EnsureMigratedAsync();
    var store = new SqlSubscriberStore(database, TimeProvider.System);
    var c0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    var w = Stopwatch.StartNew();
    await using (var session = await store.BeginImportAsync())
    {
        foreach (var chunk in rows.Chunk(SubscriberImporter.BatchSize)) await session.ApplyBatchAsync(chunk, false);
        Console.WriteLine($"apply_seconds={w.Elapsed.TotalSeconds:F2} cpu={Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - c0:F2}");
        await session.CommitAsync();
    }
    Console.WriteLine($"commit_seconds={w.Elapsed.TotalSeconds:F2} cpu={Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - c0:F2}");
    return 0;
}

static DatabaseOptions Options(string db) => db.Contains('=', StringComparison.Ordinal)
    ? new DatabaseOptions { Provider = "postgres", ConnectionString = db }
    : new DatabaseOptions { Provider = "sqlite", ConnectionString = $"Data Source={db}" };

static int Usage()
{
    Console.Error.WriteLine("usage: generate <file.csv> <count> | import <file.csv> <db> | query <db>");
    return 2;
}

static int Generate(string path, int count)
{
    string[] surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "欧阳", "司马", "上官"];
    string[] given = ["建国", "秀英", "伟", "芳", "志强", "丽娟", "海燕", "立新", "晓东", "文涛", "静", "明", "红梅", "宏伟", "晓燕", "国华"];
    string[] titles = ["局长", "副局长", "主任", "副主任", "区长", "县长", "副县长", "董事长", "总经理", "技术总监", ""];
    string[] districts = ["魏都区", "建安区", "禹州市", "长葛市", "鄢陵县", "襄城县", ""];
    string[] organisations = ["许昌市科学技术局", "许昌市工业和信息化局", "禹州市人民政府", "长葛示例装备有限公司", "许昌示例发制品有限公司", "鄢陵示例食品有限公司"];
    var random = new Random(20261127);
    using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
    writer.Write("姓名,邮箱,单位,职务,类别,区县,行业\n");
    for (var i = 1; i <= count; i++)
    {
        // About 10% municipal, 20% county, 70% enterprise; 5% in two segments.
        var r = random.Next(100);
        var segment = r < 10 ? "municipal" : r < 30 ? "county" : "enterprise";
        if (random.Next(20) == 0) segment = r < 10 ? "municipal;county" : "county;enterprise";
        var industries = random.Next(3) switch
        {
            0 => "",
            1 => Industries.All[random.Next(Industries.All.Count)],
            _ => Industries.All[random.Next(6)] + ";" + Industries.All[6 + random.Next(6)],
        };
        writer.Write(surnames[random.Next(surnames.Length)]);
        writer.Write(given[random.Next(given.Length)]);
        writer.Write(",user");
        writer.Write(i.ToString(CultureInfo.InvariantCulture));
        writer.Write("@example.org,");
        writer.Write(organisations[random.Next(organisations.Length)]);
        writer.Write(',');
        writer.Write(titles[random.Next(titles.Length)]);
        writer.Write(',');
        writer.Write(segment);
        writer.Write(',');
        writer.Write(districts[random.Next(districts.Length)]);
        writer.Write(',');
        writer.Write(industries);
        writer.Write('\n');
    }
    Console.WriteLine($"rows={count}");
    Console.WriteLine($"bytes={writer.BaseStream.Length}");
    return 0;
}

static async Task<int> Import(string path, string db)
{
    await using var database = new NewsletterDatabase(Options(db));
    await database.EnsureMigratedAsync();
    var store = new SqlSubscriberStore(database, TimeProvider.System);
    var watch = Stopwatch.StartNew();
    var summary = await new SubscriberImporter(store).ImportAsync(path, new ImportOptions());
    watch.Stop();
    if (!summary.Succeeded)
    {
        Console.Error.WriteLine(string.Join("; ", summary.Errors));
        return 1;
    }
    Console.WriteLine($"imported={summary.Imported}");
    Console.WriteLine($"rejected={summary.Rejected}");
    Console.WriteLine($"import_seconds={watch.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"import_cpu_seconds={Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"import_peak_rss_mb={PeakRssMb()}");
    return 0;
}

static async Task<int> Query(string db)
{
    await using var database = new NewsletterDatabase(Options(db));
    var store = new SqlSubscriberStore(database, TimeProvider.System);
    await store.CountBySegmentAsync(); // opens the file and warms the page cache once

    var times = new List<double>();
    IReadOnlyList<SegmentCount> counts = [];
    for (var i = 0; i < 5; i++)
    {
        var w = Stopwatch.StartNew();
        counts = await store.CountBySegmentAsync();
        times.Add(w.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    foreach (var c in counts)
    {
        Console.WriteLine($"count_{c.Segment.Key}={c.Total}");
    }
    Console.WriteLine($"count_ms_median={times[2].ToString("F1", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"count_ms_max={times[^1].ToString("F1", CultureInfo.InvariantCulture)}");

    // What sending reads (the outbox of a campaign is built from this), then whole rows (what the admin pages read).
    var audience = new AudienceFilter([Segments.Municipal, Segments.County]);
    var full = Process.GetCurrentProcess().TotalProcessorTime;
    long fullRows = 0;
    await foreach (var s in store.StreamActiveAsync(audience, batchSize: 1000)) fullRows++;
    Console.WriteLine($"stream_full_rows={fullRows}");
    Console.WriteLine($"stream_full_cpu_seconds={(Process.GetCurrentProcess().TotalProcessorTime - full).TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)}");

    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    long rows = 0;
    long lastId = 0;
    await foreach (var s in store.StreamActiveMembersAsync(audience, batchSize: 1000))
    {
        if (s.Id <= lastId) throw new InvalidOperationException("stream out of order");
        lastId = s.Id;
        rows++;
    }
    watch.Stop();
    Console.WriteLine($"stream_rows={rows}");
    Console.WriteLine($"stream_seconds={watch.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"stream_rows_per_second={(rows / watch.Elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"stream_cpu_seconds={(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"query_peak_rss_mb={PeakRssMb()}");
    return 0;
}

// VmHWM: the peak resident set size of this process (Linux).
static string PeakRssMb()
{
    var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    if (line is null) return "?";
    var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    return (kb / 1024.0).ToString("F0", CultureInfo.InvariantCulture);
}
