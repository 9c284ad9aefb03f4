// RecordingKmd over SimKfd, driven call by call: every Kmd call kind is in
// the trace with its arguments, results and errno, issued before returned.
#include "capture/recording_kmd.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include "format/trace_writer.h"
#include "lib/gpu/gpu_target.h"
#include "lib/sim/sim_kfd.h"
#include "tests/capture/trace_records.h"
#include "tests/support/temp_dir.h"

namespace amdrr::capture {
namespace {

using format::KmdOp;
using format::KmdPhase;
using testing::read_trace;
namespace af = kmd::alloc_flags;

constexpr uint32_t kGtt = af::kGtt | af::kWritable | af::kExecutable;

template <KmdOp Op>
const format::KmdCallOf<Op>& only_call(const testing::Trace& t, KmdPhase phase, size_t i = 0) {
  auto calls = t.calls(Op, phase);
  EXPECT_GT(calls.size(), i) << format::kmd_op_name(Op);
  return std::get<format::KmdCallOf<Op>>(calls.at(i)->call);
}

TEST(RecordingKmd, EveryCallKindIsRecordedWithItsFields) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("calls.amdrr");
  auto sim = sim::SimKfd::create();
  ASSERT_TRUE(sim.ok());
  std::string error;
  auto writer = format::TraceWriter::create(
      path, [](auto) {}, &error);
  ASSERT_NE(writer, nullptr) << error;
  RecordingKmd rec(**sim, *writer);
  kmd::Kmd& k = rec;
  const uint32_t gpu = k.topology().gpu_nodes()[0]->gpu_id;

  ASSERT_TRUE(k.get_version().ok());
  ASSERT_TRUE(k.get_process_apertures().ok());
  ASSERT_TRUE(k.acquire_vm({kmd::AcquireVmArgs::kOwnRenderNode, gpu}).ok());
  (void)k.runtime_enable({0, kmd::kRuntimeEnableMode});
  ASSERT_TRUE(k.set_xnack_mode(-1).ok());
  ASSERT_TRUE(k.get_clock_counters(gpu).ok());
  ASSERT_TRUE(k.available_memory(gpu).ok());
  EXPECT_EQ(k.available_memory(0xdead).error(), EINVAL);  // errno recorded too

  const uint64_t va = 0x100000000ull;
  auto bo = k.alloc_memory_of_gpu({va, 1 << 16, 0, gpu, kGtt});
  ASSERT_TRUE(bo.ok());
  auto ctl = k.alloc_memory_of_gpu({va + (1 << 20), 4096, 0, gpu, kGtt});
  ASSERT_TRUE(ctl.ok());
  uint32_t ids[] = {gpu};
  kmd::MapMemoryArgs map{bo->handle, ids, 0};
  ASSERT_TRUE(k.map_memory_to_gpu(map).ok());
  kmd::MapMemoryArgs map_ctl{ctl->handle, ids, 0};
  ASSERT_TRUE(k.map_memory_to_gpu(map_ctl).ok());
  auto cpu = k.mmap(
      {kmd::MmapDevice::kRenderNode, gpu, ctl->mmap_offset, 4096, 0, PROT_READ | PROT_WRITE});
  ASSERT_TRUE(cpu.ok());

  kmd::CreateQueueArgs qa;
  qa.gpu_id = gpu;
  qa.queue_type = kmd::QueueType::kSdma;
  qa.ring_base_address = va;
  qa.ring_size = 1 << 16;
  qa.read_pointer_address = va + (1 << 20) + 128;
  qa.write_pointer_address = va + (1 << 20) + 56;
  auto q = k.create_queue(qa);
  ASSERT_TRUE(q.ok()) << q.error();
  ASSERT_TRUE(k.write_doorbell(q->queue_id, 0).ok());
  ASSERT_TRUE(k.update_queue({va, q->queue_id, 1 << 16, 50, 9}).ok());
  ASSERT_TRUE(k.destroy_queue(q->queue_id).ok());
  EXPECT_EQ(k.write_doorbell(q->queue_id, 4).error(), EINVAL);

  kmd::CreateEventArgs ea;
  ea.event_type = kmd::EventType::kSignal;
  ea.auto_reset = 1;
  auto ev = k.create_event(ea);
  ASSERT_TRUE(ev.ok()) << ev.error();
  ASSERT_TRUE(k.set_event(ev->event_id).ok());
  kmd::EventData data[1];
  data[0].event_id = ev->event_id;
  auto waited = k.wait_events({data, 0, 0});
  ASSERT_TRUE(waited.ok());
  ASSERT_TRUE(k.reset_event(ev->event_id).ok());
  ASSERT_TRUE(k.destroy_event(ev->event_id).ok());

  ASSERT_TRUE(k.munmap(*cpu).ok());
  kmd::MapMemoryArgs unmap{bo->handle, ids, 0};
  ASSERT_TRUE(k.unmap_memory_from_gpu(unmap).ok());
  kmd::MapMemoryArgs unmap_ctl{ctl->handle, ids, 0};
  ASSERT_TRUE(k.unmap_memory_from_gpu(unmap_ctl).ok());
  ASSERT_TRUE(k.free_memory_of_gpu(bo->handle).ok());
  ASSERT_TRUE(k.free_memory_of_gpu(ctl->handle).ok());
  rec.annotate("phase", "all calls done");
  ASSERT_TRUE(writer->close());

  auto t = read_trace(path);
  EXPECT_EQ(t.end, format::TraceEnd::kClean);
  // Every op but the doorbell (a Doorbell record) has issued and returned records.
  for (size_t i = 0; i < format::kKmdOps; ++i) {
    auto op = static_cast<KmdOp>(i);
    if (op == KmdOp::kWriteDoorbell) continue;
    EXPECT_FALSE(t.calls(op, KmdPhase::kIssued).empty()) << format::kmd_op_name(op);
    EXPECT_EQ(t.calls(op, KmdPhase::kIssued).size(), t.calls(op, KmdPhase::kReturned).size())
        << format::kmd_op_name(op);
  }
  // Issued comes right before returned, with the same seq.
  for (size_t i = 0; i + 1 < t.records.size(); ++i) {
    const auto& a = t.records[i].call;
    if (a && a->phase == KmdPhase::kIssued) {
      const auto& b = t.records[i + 1].call;
      ASSERT_TRUE(b.has_value());
      EXPECT_EQ(b->seq, a->seq);
      EXPECT_EQ(b->phase, KmdPhase::kReturned);
    }
  }
  // Fields.
  const auto& alloc = only_call<KmdOp::kAllocMemoryOfGpu>(t, KmdPhase::kReturned);
  EXPECT_EQ(alloc.args.va_addr, va);
  EXPECT_EQ(alloc.args.size, 1u << 16);
  EXPECT_EQ(alloc.args.flags, kGtt);
  EXPECT_EQ(alloc.result->handle, bo->handle);
  const auto& avail = only_call<KmdOp::kAvailableMemory>(t, KmdPhase::kReturned, 1);
  EXPECT_EQ(avail.args.gpu_id, 0xdeadu);
  EXPECT_EQ(t.calls(KmdOp::kAvailableMemory, KmdPhase::kReturned)[1]->errnum, EINVAL);
  const auto& map_call = only_call<KmdOp::kMapMemoryToGpu>(t, KmdPhase::kReturned);
  EXPECT_EQ(map_call.args.n_success, 0u);  // as passed in
  EXPECT_EQ(map_call.result->n_success, 1u);
  EXPECT_EQ(map_call.args.device_ids, std::vector<uint32_t>{gpu});
  const auto& create = only_call<KmdOp::kCreateQueue>(t, KmdPhase::kReturned);
  EXPECT_EQ(create.args.ring_base_address, va);
  EXPECT_EQ(create.args.queue_type, kmd::QueueType::kSdma);
  EXPECT_EQ(create.result->queue_id, q->queue_id);
  const auto& update = only_call<KmdOp::kUpdateQueue>(t, KmdPhase::kIssued);
  EXPECT_EQ(update.args.queue_priority, 9u);
  const auto& wait = only_call<KmdOp::kWaitEvents>(t, KmdPhase::kReturned);
  ASSERT_EQ(wait.args.events.size(), 1u);
  EXPECT_EQ(wait.args.events[0].event_id, ev->event_id);
  EXPECT_EQ(wait.result->wait_result, kmd::WaitResult::kComplete);
  const auto& mmap_call = only_call<KmdOp::kMmap>(t, KmdPhase::kReturned);
  EXPECT_EQ(mmap_call.result->addr, cpu->addr);
  // The doorbells: one Doorbell each, the failed one with a returned errno.
  ASSERT_EQ(t.doorbells, 2u);
  auto failed = t.calls(KmdOp::kWriteDoorbell, KmdPhase::kReturned);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]->errnum, EINVAL);
  EXPECT_EQ(t.count(schema::Record::WAIT_RESULT), 1u);
  ASSERT_EQ(t.count(schema::Record::ANNOTATION), 1u);
  const testing::Rec& note = t.records[t.records.size() - 2];  // before End
  EXPECT_EQ(note.label, "phase");
  EXPECT_EQ(note.detail, "all calls done");
}

TEST(RecordingKmd, CodeObjectsAndObservedRangesAreRecorded) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("code.amdrr");
  auto sim = sim::SimKfd::create();
  ASSERT_TRUE(sim.ok());
  std::string error;
  auto writer = format::TraceWriter::create(
      path, [](auto) {}, &error);
  ASSERT_NE(writer, nullptr) << error;
  RecordingKmd rec(**sim, *writer);
  const std::vector<uint8_t> elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
  rec.note_code_object(0x7000000, elf, "kernels.hsaco");
  std::vector<uint8_t> unmapped(64, 1);
  EXPECT_FALSE(rec.observe(reinterpret_cast<uint64_t>(unmapped.data()), unmapped.size()));
  ASSERT_TRUE(writer->close());
  std::string read_error;
  auto reader = format::TraceReader::open(path, &read_error);
  ASSERT_NE(reader, nullptr) << read_error;
  bool found = false;
  while (auto view = reader->next()) {
    if (!view->record.isCodeObject()) continue;
    auto c = view->record.getCodeObject();
    EXPECT_EQ(c.getLoadVa(), 0x7000000u);
    EXPECT_EQ(c.getElf().getSize(), elf.size());
    EXPECT_STREQ(c.getName().cStr(), "kernels.hsaco");
    found = true;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace amdrr::capture
