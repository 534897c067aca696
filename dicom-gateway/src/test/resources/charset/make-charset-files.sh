#!/bin/sh
# Regenerates the crafted Specific Character Set test files in this directory:
#   ISO2022_IR58_GB2312.dcm      (0008,0005) = \ISO 2022 IR 58   (PS3.5 Annex K.2 name)
#   GBK.dcm                      (0008,0005) = GBK               (no public GBK sample exists)
#   ISO2022_IR13_IR87_JIS.dcm    (0008,0005) = ISO 2022 IR 13\ISO 2022 IR 87 (PS3.5 H.3.2 name)
# Each is written first as a DCMTK dump file (checked in beside it, it holds raw non-UTF-8
# bytes), then converted with DCMTK's dump2dcm to a Part 10 file, Explicit VR Little Endian,
# SOP class Secondary Capture Image Storage, with an 8x8 8-bit MONOCHROME2 black image.
# The encoded text comes from the standard's bytes (PS3.5 H.3.2, K.2) or from glibc iconv
# (GB2312 / GBK), never from the hub's own encoder, so the tests compare against an
# independent encoding.  Needs: sh, printf, iconv (glibc), dump2dcm (DCMTK).
set -eu
cd "$(dirname "$0")"

ESC=$(printf '\033')
gb2312() { printf '%s' "$1" | iconv -f UTF-8 -t GB2312; }
gbk() { printf '%s' "$1" | iconv -f UTF-8 -t GBK; }
# ISO 2022 IR 58: G1 designation ESC $ ) A, then GB 2312 in GR (its EUC-CN form).
ir58() { printf '%s$)A' "$ESC"; gb2312 "$1"; }

zeros=$(i=0; s=00; while [ $i -lt 63 ]; do s="$s\\00"; i=$((i + 1)); done; printf '%s' "$s")

common() { # $1 = instance number, used in the UIDs
  cat <<DUMP
(0008,0016) UI =SecondaryCaptureImageStorage
(0008,0018) UI [2.25.274194185323577925311045766125409637$1]
(0008,0020) DA [20261122]
(0008,0030) TM [083000]
(0008,0050) SH [HZ$1]
(0008,0060) CS [OT]
(0008,0064) CS [WSD]
(0010,0020) LO [HZ-CHARSET-$1]
(0010,0030) DA [19700101]
(0010,0040) CS [M]
(0020,000d) UI [2.25.274194185323577925311045766125409636$1]
(0020,000e) UI [2.25.274194185323577925311045766125409635$1]
(0020,0010) SH [1]
(0020,0011) IS [1]
(0020,0013) IS [1]
(0020,0020) CS []
(0028,0002) US 1
(0028,0004) CS [MONOCHROME2]
(0028,0010) US 8
(0028,0011) US 8
(0028,0100) US 8
(0028,0101) US 8
(0028,0102) US 7
(0028,0103) US 0
(7fe0,0010) OB $zeros
DUMP
}

# --- ISO 2022 IR 58 (GB 2312 with code extensions) -------------------------------------
{
  printf '(0008,0005) CS [\\ISO 2022 IR 58]\n'
  # PS3.5 K.2: Zhang^XiaoDong=张^小东= with ESC $ ) A before each Hanzi component.
  printf '(0010,0010) PN [Zhang^XiaoDong=%s^%s=]\n' "$(ir58 张)" "$(ir58 小东)"
  printf '(0008,0090) PN [Li^Na=%s^%s]\n' "$(ir58 李)" "$(ir58 娜)"
  printf '(0008,0080) LO [%s]\n' "$(ir58 城关镇卫生院)"
  printf '(0008,1030) LO [%sCT%s]\n' "$(ir58 胸部)" "$(gb2312 平扫)"
  common 1
} > ISO2022_IR58_GB2312.dump
dump2dcm --write-xfer-little ISO2022_IR58_GB2312.dump ISO2022_IR58_GB2312.dcm

# --- GBK (no code extensions; 陳 and 镕 are outside GB 2312, 誠 is 0xD5 0x5C) --------------
{
  printf '(0008,0005) CS [GBK]\n'
  printf '(0010,0010) PN [Chen^Cheng=%s^%s=]\n' "$(gbk 陳)" "$(gbk 誠)"
  printf '(0010,1001) PN [Zhu^Rongji=%s^%s\\Wang^XiaoDong=%s^%s]\n' "$(gbk 朱)" "$(gbk 镕基)" "$(gbk 王)" "$(gbk 小东)"
  printf '(0008,0090) PN [Li^Na=%s^%s]\n' "$(gbk 李)" "$(gbk 娜)"
  printf '(0008,0080) LO [%s]\n' "$(gbk 城关镇卫生院)"
  printf '(0008,1030) LO [%s]\n' "$(gbk 胸部CT平扫)"
  common 2
} > GBK.dump
dump2dcm --write-xfer-little GBK.dump GBK.dcm

# --- ISO 2022 IR 13 + IR 87 (JIS X 0201 katakana/romaji and JIS X 0208 kanji) ---------------
{
  printf '(0008,0005) CS [ISO 2022 IR 13\\ISO 2022 IR 87]\n'
  # PS3.5 H.3.2, byte for byte: ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう, back to romaji with ESC ( J.
  printf '(0010,0010) PN [\324\317\300\336^\300\333\263=\033$B;3ED\033(J^\033$BB@O:\033(J=\033$B$d$^$@\033(J^\033$B$?$m$&\033(J]\n'
  common 3
} > ISO2022_IR13_IR87_JIS.dump
dump2dcm --write-xfer-little ISO2022_IR13_IR87_JIS.dump ISO2022_IR13_IR87_JIS.dcm
