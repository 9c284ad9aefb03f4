#include "lib/sim/engines/fault_plan.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace amdrr::sim {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> number(std::string_view s) {
  s = trim(s);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// key=value pairs of one item; false on a malformed pair or duplicate key.
bool split_args(std::string_view args, std::map<std::string, uint64_t>* out, std::string* error) {
  while (!args.empty()) {
    const size_t comma = args.find(',');
    const std::string_view pair = trim(args.substr(0, comma));
    args = comma == std::string_view::npos ? std::string_view{} : args.substr(comma + 1);
    const size_t eq = pair.find('=');
    auto v = eq == std::string_view::npos ? std::nullopt : number(pair.substr(eq + 1));
    if (!v) {
      *error = "expected key=number, got '" + std::string(pair) + "'";
      return false;
    }
    if (!out->emplace(std::string(trim(pair.substr(0, eq))), *v).second) {
      *error = "duplicate key in '" + std::string(pair) + "'";
      return false;
    }
  }
  return true;
}

}  // namespace

void FaultPlan::merge(const FaultPlan& o) {
  hangs.insert(hangs.end(), o.hangs.begin(), o.hangs.end());
  vm_faults.insert(vm_faults.end(), o.vm_faults.begin(), o.vm_faults.end());
  signals.insert(signals.end(), o.signals.begin(), o.signals.end());
  interrupts.insert(interrupts.end(), o.interrupts.begin(), o.interrupts.end());
  flips.insert(flips.end(), o.flips.begin(), o.flips.end());
  if (o.poison) poison = o.poison;
}

std::optional<FaultPlan> FaultPlan::parse(std::string_view spec, std::string* error) {
  FaultPlan plan;
  while (!spec.empty()) {
    const size_t semi = spec.find(';');
    const std::string_view item = trim(spec.substr(0, semi));
    spec = semi == std::string_view::npos ? std::string_view{} : spec.substr(semi + 1);
    if (item.empty()) continue;
    // "poison=0xAB" is the one item spelled without a colon.
    const size_t colon = item.find(':');
    const size_t eq = item.find('=');
    const bool bare = colon == std::string_view::npos && eq != std::string_view::npos;
    const std::string kind(trim(item.substr(0, bare ? eq : colon)));
    std::map<std::string, uint64_t> a;
    std::string why;
    if (bare) {
      a.emplace("byte", 0);
      auto v = number(item.substr(eq + 1));
      if (!v) why = "expected a number";
      a["byte"] = v.value_or(0);
    } else if (colon != std::string_view::npos) {
      split_args(item.substr(colon + 1), &a, &why);
    }
    auto need = [&](std::initializer_list<const char*> keys, size_t optional = 0) {
      if (!why.empty()) return false;
      for (const char* k : keys) {
        if (!a.count(k)) why = std::string("missing ") + k + "=";
      }
      if (why.empty() && a.size() > keys.size() + optional) why = "unknown key";
      return why.empty();
    };
    if (kind == "hang" && need({"queue", "packet"})) {
      if (a["packet"] == 0) why = "packet counts from 1";
      plan.hangs.push_back({static_cast<uint32_t>(a["queue"]), a["packet"]});
    } else if (kind == "vmfault" && need({"va"}, a.count("gpu"))) {
      FaultPlan::VmFault v{a["va"], std::nullopt};
      if (a.count("gpu")) v.gpu_id = static_cast<uint32_t>(a["gpu"]);
      plan.vm_faults.push_back(v);
    } else if ((kind == "drop_signal" || kind == "drop_interrupt") && need({"n"})) {
      (kind == "drop_signal" ? plan.signals : plan.interrupts).push_back({a["n"], 0});
    } else if ((kind == "delay_signal" || kind == "delay_interrupt") && need({"n", "polls"})) {
      if (a["polls"] == 0 || a["polls"] > UINT32_MAX) why = "polls must be 1..2^32-1";
      (kind == "delay_signal" ? plan.signals : plan.interrupts)
          .push_back({a["n"], static_cast<uint32_t>(a["polls"])});
    } else if (kind == "flip" && need({"copy", "bit"})) {
      plan.flips.push_back({a["copy"], a["bit"]});
    } else if (kind == "poison" && need({"byte"})) {
      if (a["byte"] > 0xFF) why = "poison is one byte";
      plan.poison = static_cast<uint8_t>(a["byte"]);
    } else if (why.empty()) {
      why = "unknown fault kind";
    }
    if (!why.empty()) {
      *error = "'" + std::string(item) + "': " + why;
      return std::nullopt;
    }
  }
  return plan;
}

FaultPlan FaultPlan::from_env() {
  const char* env = std::getenv("AMDRR_SIM_FAULTS");
  if (!env || !*env) return {};
  std::string error;
  auto plan = parse(env, &error);
  if (!plan) {
    std::fprintf(stderr,
                 "amdrr: AMDRR_SIM_FAULTS is malformed: %s\n"
                 "  grammar: hang:queue=Q,packet=N; vmfault:va=A[,gpu=G]; drop_signal:n=N;\n"
                 "  delay_signal:n=N,polls=P; drop_interrupt:n=N; delay_interrupt:n=N,polls=P;\n"
                 "  flip:copy=N,bit=B; poison=0xAB\n",
                 error.c_str());
    std::abort();
  }
  return *plan;
}

std::string describe_hang(const FaultPlan::Hang& h) {
  return "hang:queue=" + std::to_string(h.queue_id) + ",packet=" + std::to_string(h.packet);
}

std::string describe_vm_fault(const FaultPlan::VmFault& v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "vmfault:va=0x%llx", static_cast<unsigned long long>(v.va));
  std::string s = buf;
  if (v.gpu_id) s += ",gpu=" + std::to_string(*v.gpu_id);
  return s;
}

}  // namespace amdrr::sim
