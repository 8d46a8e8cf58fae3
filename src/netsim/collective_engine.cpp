#include "maia/netsim/collective_engine.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <systemc>

namespace maia {
namespace {

class ScheduleEngine : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ScheduleEngine);
  explicit ScheduleEngine(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {
    SC_THREAD(main);
  }

  void start(Fabric& fabric, const Schedule& schedule, ScheduleRun& out) {
    fabric_ = &fabric;
    schedule_ = &schedule;
    out_ = &out;
    go_.notify(sc_core::SC_ZERO_TIME);
  }

 private:
  void main() {
    for (;;) {
      sc_core::wait(go_);
      execute();
    }
  }

  void execute() {
    const auto& tasks = schedule_->tasks;
    const std::size_t count = tasks.size();
    ScheduleRun& run = *out_;
    run.start = now_ps();
    run.end = run.start;
    run.finish.assign(count, 0);
    std::vector<std::vector<std::uint32_t>> dependants(count);
    std::vector<std::uint32_t> waiting(count, 0);
    std::vector<Picos> ready(count, run.start);
    using Item = std::pair<Picos, std::uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
    for (std::uint32_t i = 0; i < count; ++i) {
      waiting[i] = static_cast<std::uint32_t>(tasks[i].deps.size());
      for (const std::uint32_t d : tasks[i].deps) dependants[d].push_back(i);
      if (waiting[i] == 0) queue.push({run.start, i});
    }
    auto complete = [&](std::uint32_t i, Picos at) {
      run.finish[i] = at;
      run.end = std::max(run.end, at);
      for (const std::uint32_t d : dependants[i]) {
        ready[d] = std::max(ready[d], at);
        if (--waiting[d] == 0) queue.push({ready[d], d});
      }
    };
    std::vector<std::uint32_t> now_tasks;
    while (!queue.empty()) {
      const Picos t = queue.top().first;
      if (t > now_ps()) sc_core::wait(to_sc(t - now_ps()));
      now_tasks.clear();
      while (!queue.empty() && queue.top().first == t) {
        now_tasks.push_back(queue.top().second);
        queue.pop();
      }
      // Sends of one rank at one instant go out together, group by group; ranks in order,
      // tasks in order.
      std::stable_sort(now_tasks.begin(), now_tasks.end(), [&](std::uint32_t a, std::uint32_t b) {
        return std::pair(tasks[a].rank, tasks[a].group) < std::pair(tasks[b].rank, tasks[b].group);
      });
      for (std::size_t k = 0; k < now_tasks.size();) {
        const std::int32_t rank = tasks[now_tasks[k]].rank;
        const std::uint32_t group = tasks[now_tasks[k]].group;
        std::vector<Fabric::Send> sends;
        std::vector<std::uint32_t> ids;
        std::size_t e = k;
        for (; e < now_tasks.size() && tasks[now_tasks[e]].rank == rank &&
               tasks[now_tasks[e]].group == group;
             ++e) {
          const ScheduleTask& task = tasks[now_tasks[e]];
          if (task.kind == ScheduleTask::Kind::kReduce) {
            complete(now_tasks[e], fabric_->reduce(rank, task.bytes, t));
          } else {
            sends.push_back({task.peer, task.bytes});
            ids.push_back(now_tasks[e]);
          }
        }
        if (!sends.empty()) {
          const std::vector<Picos> done = fabric_->send(rank, sends, t);
          for (std::size_t m = 0; m < ids.size(); ++m) complete(ids[m], done[m]);
        }
        k = e;
      }
    }
    // Let simulated time reach the end, so the next run starts after this one.
    if (run.end > now_ps()) sc_core::wait(to_sc(run.end - now_ps()));
  }

  sc_core::sc_event go_;
  Fabric* fabric_ = nullptr;
  const Schedule* schedule_ = nullptr;
  ScheduleRun* out_ = nullptr;
};

}  // namespace

ScheduleRun run_schedule(Fabric& fabric, const Schedule& schedule) {
  static ScheduleEngine* engine = [] {
    auto* e = new ScheduleEngine("collective_engine");  // owned by the SystemC kernel
    sc_core::sc_start(sc_core::SC_ZERO_TIME);           // elaborate; the process starts waiting
    return e;
  }();
  ScheduleRun run;
  engine->start(fabric, schedule, run);
  sc_core::sc_start();
  return run;
}

}  // namespace maia
