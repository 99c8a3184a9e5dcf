using System.Text;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Signals;
using EdgeGateway.Detection.Tests.Support;
using EdgeGateway.Detection.Tracing;

namespace EdgeGateway.Detection.Tests.Tracing;

public sealed class TraceFormatTests
{
    private const string Header = """{"format":"edge-trace/1","lift":"31101101002015000123","floors":{"lowest":-1,"highest":12},"rated_speed_mm_s":1750,"accel_hz":200,"start":"2026-11-23T08:00:00Z"}""";

    private static TraceReader Reader(string text) => new(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Reads_the_spec_example()
    {
        using var reader = Reader(Header + "\n" +
            """{"t":0,"mode":"normal","floor":1,"dir":"none","run":false,"door":"closed","lock":true,"safety":true,"fault":0,"speed":0,"link":true,"zone":true,"occupied":false,"alarm":false,"mains":true}""" + "\n" +
            """{"t":5,"acc":[0.02,-0.01,9.81]}""" + "\n" +
            """{"t":1200.5,"occupied":true,"colour":{"nested":[1,2]}}""" + "\r\n");
        Assert.Equal(new TraceHeader("31101101002015000123", -1, 12, 1750, 200, new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero)), reader.Header);
        Assert.True(reader.TryRead(out var first));
        Assert.Equal(SignalMask.AllDiscrete, first.Set);
        Assert.Equal((LiftMode.Normal, 1, true, DoorState.Closed), (first.Mode, first.Floor, first.Lock, first.Door));
        Assert.True(reader.TryRead(out var acc));
        Assert.Equal((5000L, SignalMask.Acc, 9.81f), (acc.TimeMicros, acc.Set, acc.AccZ));
        Assert.True(reader.TryRead(out var occupied));
        Assert.Equal((1_200_500L, SignalMask.Occupied, true), (occupied.TimeMicros, occupied.Set, occupied.Occupied));
        Assert.False(reader.TryRead(out _));
    }

    [Theory]
    [InlineData("""{"t":10,"floor":"seven"}""", "line 3: signal \"floor\" must be an integer")]
    [InlineData("""{"t":10,"run":1}""", "line 3: signal \"run\" must be true or false")]
    [InlineData("""{"t":10,"door":"ajar"}""", "line 3: signal \"door\"")]
    [InlineData("""{"t":10,"mode":"party"}""", "line 3: signal \"mode\"")]
    [InlineData("""{"t":10,"acc":[1,2]}""", "line 3: signal \"acc\"")]
    [InlineData("""{"t":10,"speed":1.5}""", "line 3: signal \"speed\" must be an integer")]
    [InlineData("""{"floor":3}""", "line 3: sample has no \"t\"")]
    [InlineData("""{"t":4}""", "line 3: t goes back in time")]
    [InlineData("""{"t":10,"floor":3""", "line 3: not valid JSON")]
    [InlineData("""not json""", "line 3: not valid JSON")]
    [InlineData("""{"t":10} {"t":11}""", "line 3: not valid JSON")]
    [InlineData("", "line 3: not valid JSON")]
    [InlineData("[1,2]", "line 3: a sample line must be a JSON object")]
    public void A_malformed_line_is_an_error_naming_the_line(string badLine, string expected)
    {
        using var reader = Reader(Header + "\n{\"t\":5,\"floor\":1}\n" + badLine + "\n{\"t\":20}\n");
        Assert.True(reader.TryRead(out _));
        var error = Assert.Throws<TraceFormatException>(() => reader.TryRead(out _));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.LineNumber);
    }

    [Theory]
    [InlineData("", "line 1: the trace is empty")]
    [InlineData("""{"format":"edge-trace/2","floors":{"lowest":0,"highest":3},"rated_speed_mm_s":1000}""", "line 1: unsupported format")]
    [InlineData("""{"format":"edge-trace/1","rated_speed_mm_s":1000}""", "line 1: header has no \"floors\"")]
    [InlineData("""{"format":"edge-trace/1","floors":{"lowest":0,"highest":3}}""", "line 1: header has no \"rated_speed_mm_s\"")]
    [InlineData("""{"format":"edge-trace/1",""", "line 1: header is not valid JSON")]
    public void A_bad_header_is_an_error_on_line_1(string header, string expected)
    {
        using var reader = Reader(header + "\n");
        var error = Assert.Throws<TraceFormatException>(() => reader.TryRead(out _));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writer_and_reader_round_trip_every_signal()
    {
        var header = new TraceHeader("LIFT \"7\"", -2, 30, 2500, 400, null);
        LiftSample[] samples =
        [
            Samples.Idle(0, floor: -2).Mode(LiftMode.EmergencyPower).Dir(TravelDirection.Down).Door(DoorState.Closing).Speed(-1234).Fault(42),
            Samples.At(2.5).Acc(9.8123f),
            Samples.At(1000.125).Zone(false).Alarm(true),
            Samples.At(1000.125),
        ];
        using var buffer = new MemoryStream();
        using (var writer = new TraceWriter(buffer, header, leaveOpen: true))
        {
            foreach (var s in samples)
            {
                writer.Write(in s);
            }
        }

        buffer.Position = 0;
        using var reader = new TraceReader(buffer);
        Assert.Equal(header, reader.Header);
        foreach (var expected in samples)
        {
            Assert.True(reader.TryRead(out var actual));
            Assert.Equal(expected, actual);
        }

        Assert.False(reader.TryRead(out _));
        var text = Encoding.UTF8.GetString(buffer.ToArray()).Split('\n');
        Assert.Equal("""{"t":2.5,"acc":[0,0,9.8123]}""", text[2]);
        Assert.Equal("""{"t":1000.125,"zone":false,"alarm":true}""", text[3]);
    }

    [Fact]
    public void Event_log_lines_follow_the_spec_exactly()
    {
        using var buffer = new MemoryStream();
        using (var log = new EventLogWriter(buffer, leaveOpen: true))
        {
            log.OnEvent(new LiftEvent(41_250_000, EventType.Entrapment, EventPhase.Raised, 7, new EventDetail(BetweenFloors: true)));
            log.OnEvent(new LiftEvent(95_310_000, EventType.Entrapment, EventPhase.Cleared, 7, EventDetail.None));
            log.OnEvent(new LiftEvent(120_000_000, EventType.ModeChange, EventPhase.Instant, null, new EventDetail(From: LiftMode.Normal, To: LiftMode.Fire)));
            log.OnEvent(new LiftEvent(1_500, EventType.ControllerFault, EventPhase.Raised, -1, new EventDetail(Code: 30)));
            log.OnEvent(new LiftEvent(1_050, EventType.SensorFault, EventPhase.Raised, 2, new EventDetail(Sensor: "gpio:zone", Reason: "stuck \"high\"")));
        }

        Assert.Equal(
            """
            {"t":41250.0,"type":"entrapment","phase":"raised","code":11,"grade":1,"floor":7,"detail":{"between_floors":true}}
            {"t":95310.0,"type":"entrapment","phase":"cleared","code":11,"grade":1,"floor":7}
            {"t":120000.0,"type":"mode_change","phase":"instant","code":40,"grade":"info","floor":null,"detail":{"from":"normal","to":"fire"}}
            {"t":1.5,"type":"controller_fault","phase":"raised","code":8,"grade":2,"floor":-1,"detail":{"code":30}}
            {"t":1.05,"type":"sensor_fault","phase":"raised","code":61,"grade":3,"floor":2,"detail":{"sensor":"gpio:zone","reason":"stuck \u0022high\u0022"}}

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
