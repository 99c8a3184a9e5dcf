#!/usr/bin/env bash
# Polls per second of mbpoll (libmodbus) against Debian's pymodbus 3.0.0rc1, the same slave and settings as
# benchmarks/EdgeGateway.Benchmarks/Modbus/ModbusPollBenchmarks.cs gives our master:
#   RTU 115200 8N1 over a socat pty pair, slave 1, FC 03, 10 holding registers from address 0.
# mbpoll is measured two ways: its own polling mode at its fastest rate (-l 11: it rejects 10 ms or less),
# and a loop of one-shot invocations (-1), which includes process start and port open each time.
# Usage: tools/bench-modbus.sh [seconds]   (default 10)
set -euo pipefail
seconds=${1:-10}
dir=$(mktemp -d /tmp/edgegw-bench-XXXXXX)
cleanup() { kill "${slave_pid:-}" "${socat_pid:-}" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

cat > "$dir/slave.py" <<'PY'
import sys, logging
from pymodbus.server import StartSerialServer
from pymodbus.datastore import ModbusSlaveContext, ModbusServerContext, ModbusSequentialDataBlock
from pymodbus.transaction import ModbusRtuFramer
logging.basicConfig(level=logging.CRITICAL)
store = ModbusSlaveContext(hr=ModbusSequentialDataBlock(0, list(range(200))), zero_mode=True)
StartSerialServer(context=ModbusServerContext(slaves={1: store}, single=False), framer=ModbusRtuFramer,
                  port=sys.argv[1], baudrate=115200, bytesize=8, parity="N", stopbits=1, timeout=0.005)
PY

socat -d -d "pty,raw,echo=0,link=$dir/a" "pty,raw,echo=0,link=$dir/b" 2>/dev/null & socat_pid=$!
for _ in $(seq 50); do [ -e "$dir/a" ] && [ -e "$dir/b" ] && break; sleep 0.1; done
/usr/bin/python3 "$dir/slave.py" "$dir/a" & slave_pid=$!
sleep 1.5

mb=(mbpoll -m rtu -b 115200 -P none -a 1 -0 -r 0 -c 10 -t 4 -o 1)
echo "command: ${mb[*]} -l 11 $dir/b  (for ${seconds} s)"
polls=$(timeout "$seconds" "${mb[@]}" -l 11 "$dir/b" 2>/dev/null | grep -c '^-- Polling' || true)
echo "mbpoll polling mode: $polls polls in ${seconds} s = $(awk "BEGIN{printf \"%.1f\", $polls/$seconds}") polls/s"

echo "command: ${mb[*]} -1 -q $dir/b  (loop for ${seconds} s)"
count=0
end=$((SECONDS + seconds))
while [ $SECONDS -lt $end ]; do
  "${mb[@]}" -1 -q "$dir/b" >/dev/null 2>&1 && count=$((count + 1))
done
echo "mbpoll one-shot loop: $count polls in ${seconds} s = $(awk "BEGIN{printf \"%.1f\", $count/$seconds}") polls/s"
echo "ours: dotnet run -c Release --project benchmarks/EdgeGateway.Benchmarks -- --filter '*ModbusPollBenchmarks*' (polls/s = 1 / Mean)"
