/* SPDX-License-Identifier: GPL-2.0 */
/* The vector registers with no compiled code in between: load, hold, store. */
#include "fpstate.h"

/* The image's layout (struct vec_image): 32 slots of 64 bytes, then k0-7. */
#define K_OFFSET (32 * 64)

/* Load (or store) every register of the classes in \cls from the image at \img. */
.macro move_regs dir, img, cls
	test	$CLASS_AVX512, \cls
	jz	.Lno_zmm\@
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.ifc \dir, load
	vmovdqu64 (\r * 64)(\img), %zmm\r
	.else
	vmovdqu64 %zmm\r, (\r * 64)(\img)
	.endif
	.endr
	test	$CLASS_K64, \cls
	jz	.Lk16\@
	.irp k, 0,1,2,3,4,5,6,7
	.ifc \dir, load
	kmovq	(K_OFFSET + \k * 8)(\img), %k\k
	.else
	kmovq	%k\k, (K_OFFSET + \k * 8)(\img)
	.endif
	.endr
	jmp	.Ldone\@
.Lk16\@:
	/* Without AVX512BW only kmovw: the pattern keeps k to 16 bits. */
	.irp k, 0,1,2,3,4,5,6,7
	.ifc \dir, load
	kmovw	(K_OFFSET + \k * 8)(\img), %k\k
	.else
	movq	$0, (K_OFFSET + \k * 8)(\img)
	kmovw	%k\k, (K_OFFSET + \k * 8)(\img)
	.endif
	.endr
	jmp	.Ldone\@
.Lno_zmm\@:
	test	$CLASS_AVX, \cls
	jz	.Lno_ymm\@
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.ifc \dir, load
	vmovdqu	(\r * 64)(\img), %ymm\r
	.else
	vmovdqu	%ymm\r, (\r * 64)(\img)
	.endif
	.endr
	jmp	.Ldone\@
.Lno_ymm\@:
	.irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.ifc \dir, load
	movdqu	(\r * 64)(\img), %xmm\r
	.else
	movdqu	%xmm\r, (\r * 64)(\img)
	.endif
	.endr
.Ldone\@:
.endm

	.text

/* void vec_load(const struct vec_image *img, uint64_t classes) */
	.globl	vec_load
	.type	vec_load, @function
vec_load:
	move_regs load, %rdi, %esi
	ret
	.size	vec_load, . - vec_load

/*
 * void vec_hold(struct vec_hold *h): the loop between the two labels uses
 * general registers only, so whatever the vector registers hold at the
 * store is what the kernel gave back after each syscall, context switch
 * and signal. r12 holds h, r13 the classes, r14 the rounds done.
 */
	.globl	vec_hold
	.type	vec_hold, @function
vec_hold:
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rdi, %r12
	mov	16(%r12), %r13
	mov	0(%r12), %rax
	move_regs load, %rax, %r13d
	.globl	vec_hold_live_begin
vec_hold_live_begin:
	xor	%r14, %r14
.Lround:
	mov	48(%r12), %rcx
	test	%rcx, %rcx
	jz	.Lsyscall
.Lspin:
	pause
	dec	%rcx
	jnz	.Lspin
.Lsyscall:
	mov	56(%r12), %rax
	test	%rax, %rax
	js	.Lcount
	mov	64(%r12), %rdi
	mov	72(%r12), %rsi
	mov	80(%r12), %rdx
	syscall
	mov	%rax, 96(%r12)
.Lcount:
	inc	%r14
	mov	88(%r12), %rax
	test	%rax, %rax
	jz	.Lpoll
	cmp	%rax, %r14
	jae	.Lend
.Lpoll:
	mov	32(%r12), %rax
	test	%rax, %rax
	jz	.Lclock
	mov	(%rax), %rax
	cmp	40(%r12), %rax
	jge	.Lend
.Lclock:
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	cmp	24(%r12), %rax
	jb	.Lround
.Lend:
	.globl	vec_hold_live_end
vec_hold_live_end:
	mov	8(%r12), %rax
	move_regs store, %rax, %r13d
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret
	.size	vec_hold, . - vec_hold

/*
 * The handler's stack pointer as the kernel left it, before any compiled
 * prologue moves it: x86-64 wants (%rsp + 8) % 16 == 0, as after a call.
 */
	.globl	signal_trampoline
	.type	signal_trampoline, @function
signal_trampoline:
	movq	%rsp, %fs:signal_entry_rsp@tpoff
	jmp	handle_signal
	.size	signal_trampoline, . - signal_trampoline

	.section .note.GNU-stack, "", @progbits
