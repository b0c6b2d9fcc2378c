"""What redacting personal data adds to a comment: `core.redaction.redact` timed over a few
thousand comment texts like the public's, most without personal data, some with.

    .venv/bin/python bench/redaction.py [--comments 4000] [--rounds 5] [--seed 11]

Texts are 50 to 2,000 characters (most a few hundred), made of opinion sentences that hold
what must survive (dates, document numbers, amounts, articles, percentages, postcodes); one in
eight also holds a phone, ID, e-mail, card number or house number. Each text is redacted
`--rounds` times, timed one call at a time; it prints µs per comment (mean, p50, p99), for all
and for those with and without personal data. Target: under 100 µs a comment. A
micro-benchmark in one process: seconds, no server, no database.
"""

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from core.redaction import findings, redact  # noqa: E402

SENTENCES = [
    "建议将第十五条中的30日改为45日，给企业留出准备时间。",
    "第五条贴息比例30%偏低，建议提高到50%以上，单户上限提高到100万元。",
    "依据嘉府发〔2026〕3号文件，建议明确申请材料和兑现时限。",
    "本措施自2026年9月28日起施行，建议过渡期延长至2027年6月30日。",
    "建议在轨道交通11号线安亭站周边增加共享单车停放点。",
    "菊园新区街道和嘉定镇街道的老旧小区停车难问题突出，建议统筹考虑。",
    "2025年全区安排专项资金3000万元，建议2026年增加到1,234,567.89万元的规模。",
    "按沪府令35号的规定，建议对第3条第2款作出解释。",
    "来信地址邮编201800，建议政策发布后通过随申办推送。",
    "《中华人民共和国行政许可法》第二十条要求公示，建议同步公开办理进度。",
    "建议对专项资金开展绩效评价，设置退出机制，避免企业长期依赖补贴。",
    "城中路、博乐路、沪宜公路早晚高峰拥堵，建议增设信号灯和潮汐车道。",
    "截至2026-04-15，已有12家企业提出类似意见，建议合并研究。",
    "建议把个体工商户也纳入支持范围，个体户同样面临租金和融资压力。",
    "拨打12345热线反映过两次，希望这次能有明确答复。",
]
PERSONAL = [
    "我的手机13912345678，欢迎电话沟通。",
    "联系电话：021-59992000转8001。",
    "我住嘉定区博乐路123弄4号501室，楼下就是施工现场。",
    "身份证号310114199003071232，可以核实我的身份。",
    "回复请发邮件至zhang.san@example.cn。",
    "补贴请打到6222021000112345672这张卡上。",
    "联系人王女士 138 0013 8000。",
]


def texts(count: int, seed: int) -> list[tuple[str, bool]]:
    """(text, holds personal data), reproducibly."""
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        # Lengths spread from 50 to 2,000 characters, most of them short (log-uniform).
        length = int(50 * (40 ** rng.random()))
        parts, size = [], 0
        while size < length:
            part = rng.choice(SENTENCES)
            parts.append(part)
            size += len(part)
        personal = rng.random() < 1 / 8
        if personal:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(PERSONAL))
        made.append(("".join(parts), personal))
    return made


def timed(corpus, rounds: int) -> list[float]:
    """µs per call, per text (its best of `rounds`: the machine is shared)."""
    clock = time.perf_counter_ns
    per_text = []
    for text, _ in corpus:
        best = None
        for _ in range(rounds):
            start = clock()
            redact(text)
            took = clock() - start
            best = took if best is None or took < best else best
        per_text.append(best / 1000)
    return per_text


def line(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"{label:<22} n={len(values):>5}  mean {statistics.fmean(values):7.1f} µs  "
        f"p50 {statistics.median(values):7.1f} µs  p99 {p99:7.1f} µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    corpus = texts(args.comments, args.seed)
    # What the texts are: the personal ones are all found, the others leave nothing found.
    assert all(bool(findings(text)) == personal for text, personal in corpus), "the corpus is not what it says"
    lengths = sorted(len(text) for text, _ in corpus)
    print(
        f"{len(corpus)} comments, {sum(p for _, p in corpus)} with personal data; "
        f"length p50 {lengths[len(lengths) // 2]}, max {lengths[-1]} characters; best of {args.rounds} per text"
    )
    took = timed(corpus, args.rounds)
    print(line("all", took))
    print(line("without personal data", [t for t, (_, p) in zip(took, corpus, strict=True) if not p]))
    print(line("with personal data", [t for t, (_, p) in zip(took, corpus, strict=True) if p]))
    long_ones = [t for t, (text, _) in zip(took, corpus, strict=True) if len(text) >= 1000]
    if long_ones:
        print(line("1,000+ characters", long_ones))


if __name__ == "__main__":
    main()
