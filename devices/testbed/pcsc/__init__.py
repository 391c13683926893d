"""The PC/SC test rig: a private pcsc-lite daemon, vsmartcard's virtual reader driver (vpcd) and virtual
cards written here on vsmartcard's vicc plumbing, so the PC/SC driver is tested against a real stack.

- ``pcscd``: the daemon in its own mount namespace, the client socket, inserting and removing cards;
- ``cards``: the cards as data (UID-only, NTAG213-like Type 2, Type 4, NTAG 424 DNA SUN);
- ``vicc_card``: the process that is a card while it runs (started by ``PcscRig.insert``);
- ``sun_gen``: SUN URLs computed as NXP AN12196 describes;
- ``harness``: a running reader with an event log to wait on (the pytest fixtures are in tests/devices/).
"""
